import { GENERATION, appLabels } from '../labels.js';
import type { AppIntent } from '../types.js';

/** Metadata of an object an app owns: its labels (owner labels and generation) in its team's namespace. */
export function appMeta(app: AppIntent, name = app.name) {
  return {
    name,
    namespace: app.team.namespace,
    labels: { ...appLabels(app.team.name, app.name), [GENERATION]: String(app.generation) },
  };
}
