import type { Socket } from 'node:net';
export declare function pipe(a: Socket, b: Socket): void;
