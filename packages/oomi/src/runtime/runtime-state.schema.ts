// GENERATED from OomiRuntimeStateSchema (z.toJSONSchema, io: input). A unit test fails on drift; regenerate
// with the snippet in runtime-state-schema.test.ts.
import type { JsonSchemaNode } from "./json-schema-check.js";

export const RUNTIME_STATE_JSON_SCHEMA: JsonSchemaNode = {
  type: "object",
  properties: {
    slug: {
      type: "string",
      pattern: "^[a-z0-9]+(?:-[a-z0-9]+)*$",
    },
    name: {
      type: "string",
    },
    description: {
      type: "string",
    },
    workspacePath: {
      type: "string",
      minLength: 1,
    },
    templateVersion: {
      type: "string",
    },
    localPort: {
      type: "integer",
      minimum: 1,
      maximum: 65535,
    },
    localEndpoint: {
      type: "string",
      format: "uri",
    },
    reachableEndpoint: {
      type: "string",
      format: "uri",
    },
    bindHost: {
      type: "string",
    },
    reachableHost: {
      type: "string",
    },
    endpoint: {
      type: "string",
      format: "uri",
    },
    entryUrl: {
      type: "string",
      format: "uri",
    },
    transport: {
      type: "string",
      enum: ["local", "relay"],
    },
    healthcheckUrl: {
      type: "string",
      format: "uri",
    },
    pid: {
      anyOf: [
        {
          type: "integer",
          exclusiveMinimum: 0,
          maximum: 9007199254740991,
        },
        {
          type: "null",
        },
      ],
    },
    processStartToken: {
      type: "string",
      minLength: 1,
    },
    logFilePath: {
      type: "string",
    },
    status: {
      type: "string",
      enum: ["running", "stopped", "failed"],
    },
    lastStartedAt: {
      type: "string",
    },
    stoppedAt: {
      type: "string",
    },
    devCommand: {
      type: "object",
      properties: {
        command: {
          type: "string",
        },
        args: {
          type: "array",
          items: {
            type: "string",
          },
        },
      },
      required: ["command", "args"],
    },
  },
  required: [
    "slug",
    "name",
    "description",
    "workspacePath",
    "templateVersion",
    "localPort",
    "localEndpoint",
    "reachableEndpoint",
    "bindHost",
    "reachableHost",
    "endpoint",
    "entryUrl",
    "transport",
    "healthcheckUrl",
    "pid",
    "logFilePath",
    "status",
    "lastStartedAt",
    "devCommand",
  ],
  additionalProperties: {},
};
