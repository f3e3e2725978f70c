// An app's HTTP API handler: routes on path segments and answers with a web Response.
import type { RomeAppApiHandler, RomeAppApiRequest } from "@rome-os/app-runtime";

export const api: RomeAppApiHandler = {
  async handle(request: RomeAppApiRequest): Promise<Response> {
    const [resource, id] = request.path;
    if (request.method === "GET" && resource === "notes") {
      const limit = Number(request.query.get("limit") ?? "10");
      return Response.json({ id: id ?? null, limit, agent: request.headers["user-agent"] ?? "" });
    }
    if (request.method === "POST" && resource === "notes") {
      const body = request.body ? new TextDecoder().decode(request.body) : "";
      return new Response(body, { status: 201, headers: { "content-type": "application/json" } });
    }
    return new Response("not found", { status: 404 });
  },
};
