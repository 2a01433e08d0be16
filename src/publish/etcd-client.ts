import { Etcd3, type IOptions } from 'etcd3';

/**
 * An etcd client as every part of Yunbang uses one. Its calls are bounded: etcd3 sets no deadline,
 * so a call on a connection whose peer hangs (a paused or overloaded etcd, a dropped NAT entry)
 * would wait for ever, and whatever awaits it with it (a gateway replica never ready, a reconcile
 * never done). Streams (watches, lease keep-alives) are left open; keepalive pings find a dead
 * connection under them within seconds (etcd allows a ping every 5 s).
 */
export function etcdClient(hosts: string[], extra: Partial<IOptions> = {}, callTimeoutMs = 10_000): Etcd3 {
  return new Etcd3({
    hosts,
    dialTimeout: 3000,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }),
    grpcOptions: { 'grpc.keepalive_time_ms': 10_000, 'grpc.keepalive_timeout_ms': 5_000 },
    ...extra,
  });
}
