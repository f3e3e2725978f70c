export {
  freePort,
  type GatewayModel,
  type GatewayPlugin,
  type HttpReply,
  type InvokeToolOptions,
  node24Binary,
  openclawLauncher,
  type RunningGateway,
  type StartGatewayOptions,
  startOpenClawGateway,
} from "./gateway.js";
export { gatewayProtocolValidator, type JsonSchema, loadGatewayProtocolSchemas, type ProtocolValidator } from "./protocol-schema.js";
