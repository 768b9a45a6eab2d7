/** Messages between the local cloud and a function's runtime process. */
export type ToRuntime = { kind: 'invoke'; id: number; event: unknown; deadline: number };

export type FromRuntime =
  | { kind: 'ready' }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; name: string; message: string };
