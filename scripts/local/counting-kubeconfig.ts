import * as k8s from '@kubernetes/client-node';

/**
 * A KubeConfig that counts the requests made through it, for benchmarks and tests: every API call
 * (client-node authenticates each one) and every list or watch made with fetch options.
 */
export class CountingKubeConfig extends k8s.KubeConfig {
  requests = 0;
  override async applySecurityAuthentication(context: Parameters<k8s.KubeConfig['applySecurityAuthentication']>[0]) {
    this.requests++;
    return super.applySecurityAuthentication(context);
  }
  override async applyToFetchOptions(opts: Parameters<k8s.KubeConfig['applyToFetchOptions']>[0]) {
    this.requests++;
    return super.applyToFetchOptions(opts);
  }
}
