/** What detection decided about a source tree: everything needed to generate its Dockerfile. */
export type Language = 'dockerfile' | 'node' | 'python' | 'go' | 'java' | 'php' | 'ruby' | 'dotnet' | 'rust' | 'static';

export interface BuildPlan {
  language: Language;
  /** Runtime version, e.g. "20", "3.12", "1.22"; null where it does not apply. */
  version: string | null;
  /** The file (and field) the version came from, or "default". */
  versionSource: string | null;
  packageManager: string | null;
  framework: string | null;
  buildCommand: string | null;
  startCommand: string | null;
  /** Where a static site's files are after the build (static output), else null. */
  staticDir: string | null;
  /** Every app is expected to listen on $PORT; this is the port it gets by convention. */
  port: number;
  /** The files that decided, in the order they were consulted. */
  evidence: string[];
  /** For language "dockerfile": the Dockerfile's path. */
  dockerfile: string | null;
}

export class DetectionError extends Error {
  constructor(message: string, readonly lookedFor: string[]) { super(message); }
}
