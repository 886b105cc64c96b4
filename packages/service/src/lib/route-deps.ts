import type { FastifyReply, FastifyRequest } from 'fastify';

/** What the service lends the route modules it registers (OpenID4VCI, OpenID4VP). */
export interface ServiceRouteDeps {
  /** Runs a registry POST under its Idempotency-Key (the service's helper). */
  idempotent: (
    request: FastifyRequest,
    reply: FastifyReply,
    exec: () => Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>,
  ) => Promise<FastifyReply>;
  /** Route options (schema and scope) of a documented route. */
  routeOptions: (method: string, url: string) => Record<string, unknown>;
}
