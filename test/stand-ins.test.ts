import { describe, expect, it } from 'vitest';
import { PULLS_ANNOTATION, STAND_IN_ANNOTATION, nodeStandIns, normalizeImage, servedBy, unavailableImage } from '../src/clusters/stand-ins.js';

describe('images served by local stand-ins', () => {
  it('spells an image one way, as containerd resolves it', () => {
    expect(normalizeImage('nginx')).toBe('nginx:latest');
    expect(normalizeImage('docker.io/library/nginx:1.27')).toBe('nginx:1.27');
    expect(normalizeImage('library/mysql:8.4')).toBe('mysql:8.4');
    expect(normalizeImage('registry.example:5000/team/app')).toBe('registry.example:5000/team/app:latest');
    expect(normalizeImage('ghcr.io/acme/api:v2')).toBe('ghcr.io/acme/api:v2');
    expect(normalizeImage('10.1.0.1:5000/t/a@sha256:abc')).toBe('10.1.0.1:5000/t/a@sha256:abc');
  });

  const node = (v: unknown) => ({ metadata: { annotations: { [STAND_IN_ANNOTATION]: typeof v === 'string' ? v : JSON.stringify(v) } } });

  it('unites the nodes\' declarations, ignoring malformed ones; offline only if every node is', () => {
    const s = nodeStandIns([node({ 'mysql:8.4': 'MariaDB', 'docker.io/library/redis:7.4': 'Redis 7.0' }), node('not json'), node(['x']), { metadata: {} }, node({ 'nginx:1.27': 5 })]);
    expect(s).toEqual({ images: { 'mysql:8.4': 'MariaDB', 'redis:7.4': 'Redis 7.0' }, offline: false });
    const offline = { metadata: { annotations: { [PULLS_ANNOTATION]: 'none' } } };
    expect(nodeStandIns([offline, offline]).offline).toBe(true);
    expect(nodeStandIns([offline, { metadata: {} }]).offline).toBe(false);
    expect(nodeStandIns([]).offline).toBe(false);
  });

  const local = (images: Record<string, string>, offline = false) => ({ images, offline });

  it('answers what serves an image: the exact name, else the wildcard, else nothing', () => {
    const s = local({ 'mysql:8.4': 'MariaDB 10.11' });
    expect(servedBy('docker.io/library/mysql:8.4', s)).toBe('MariaDB 10.11');
    expect(servedBy('mysql:8.0', s)).toBeNull();
    expect(servedBy(null, s)).toBeNull();
    expect(servedBy('anything:1', local({ 'mysql:8.4': 'MariaDB 10.11', '*': 'the simulated node' }))).toBe('the simulated node');
    expect(servedBy('mysql:8.4', local({ 'mysql:8.4': 'MariaDB 10.11', '*': 'the simulated node' }))).toBe('MariaDB 10.11');
    const prefixed = local({ 'registry.example/*': 'the stand-in', 'nginx:1.27': 'nginx-light' });
    expect(servedBy('registry.example/team/web:2', prefixed)).toBe('the stand-in');
    expect(servedBy('registry.examples/web:2', prefixed)).toBeNull();
    expect(nodeStandIns([node({ 'registry.example/*': 'the stand-in' })]).images).toEqual({ 'registry.example/*': 'the stand-in' });
  });

  it('says an image cannot run only where the nodes are offline and serve no stand-in for it', () => {
    const s = local({ 'mysql:8.4': 'MariaDB 10.11', 'redis:7.4': 'Redis' }, true);
    expect(unavailableImage('mongo:8.0', s, '10.1.0.1:5000')).toBe('mongo:8.0 is not available on this cluster: its nodes pull no images from outside and serve no local stand-in for it');
    expect(unavailableImage('mysql:8.4', s, '10.1.0.1:5000')).toBeNull();
    expect(unavailableImage('10.1.0.1:5000/team/app@sha256:ab', s, '10.1.0.1:5000')).toBeNull();
    expect(unavailableImage('mongo:8.0', { ...s, offline: false }, '10.1.0.1:5000')).toBeNull();
  });
});
