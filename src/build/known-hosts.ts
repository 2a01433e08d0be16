import { z } from 'zod';

/**
 * SSH host keys for clones. A clone over SSH trusts only keys it knows: the big git hosts' keys as
 * they publish them, the operator's (YUNBANG_GIT_KNOWN_HOSTS), the app's own (git.knownHosts), and
 * a key the app learned on its first clone when it opted in to trust on first use. An unknown or
 * changed key fails the build with a message saying which of these to set.
 */

/** Published by GitHub, GitLab and Bitbucket (ed25519 and ECDSA; OpenSSH prefers these). */
export const DEFAULT_KNOWN_HOSTS = [
  'github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
  'github.com ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=',
  'gitlab.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAfuCHKVTjquxvt6CM6tdG4SLp1Btn/nOeHHE5UOzRdf',
  'gitlab.com ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFSMqzJeV9rUzU4kWitGjeR4PWSa29SPqJ1fVkhtj3Hw9xjLVXVYrU9QlYWrOLXBpQ6KWjbjTDTdDkoohFzgbEY=',
  'bitbucket.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIazEu89wgQZ4bqs3d63QSMzYVa0MuJ2e2gKTKqu+UUO',
  'bitbucket.org ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBPIQmuzMBuKdWeF4+a2sjSSpBK0iqitSQ+5BM9KhpexuGt20JpTVM7u5BDZngncgrqDMbWdxMWWOGtZ9UgbqgZE=',
];

const KEY_TYPES = new Set(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa', 'sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com']);
// host, [host]:port, comma lists of them, or a hashed entry (|1|salt|hash)
const HOSTS = /^(?:\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+|(?:\[[A-Za-z0-9.:-]+\]:\d+|[A-Za-z0-9.:*?-]+)(?:,(?:\[[A-Za-z0-9.:-]+\]:\d+|[A-Za-z0-9.:*?-]+))*)$/;

/** The meaningful lines of a known_hosts text (no blanks, no comments). */
export const knownHostsLines = (text: string | null | undefined) =>
  (text ?? '').split(/[\n;]/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

/** Why a known_hosts line is not one, or undefined. */
export function badKnownHostsLine(line: string): string | undefined {
  const [hosts, type, key] = line.split(/\s+/);
  if (!hosts || !type || !key) return `"${line.slice(0, 60)}" is not "host key-type key" (as ssh-keyscan prints)`;
  if (!HOSTS.test(hosts)) return `"${hosts.slice(0, 60)}" is not a host, [host]:port or hashed host`;
  if (!KEY_TYPES.has(type)) return `"${type.slice(0, 40)}" is not an SSH key type`;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return 'the key is not base64';
  return undefined;
}

/** known_hosts as the API takes it: lines as ssh-keyscan prints them. */
export const knownHosts = z.string().max(16_384, 'must be at most 16384 characters').superRefine((text, ctx) => {
  for (const line of knownHostsLines(text)) {
    const why = badKnownHostsLine(line);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  }
});

/** The keys a clone trusts: the defaults, the operator's, the app's own and those it learned. */
export const effectiveKnownHosts = (...sources: (string | string[] | null | undefined)[]) =>
  [...new Set(sources.flatMap((s) => (Array.isArray(s) ? s : knownHostsLines(s))))].join('\n');
