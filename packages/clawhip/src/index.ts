export { default, PLUGIN_ID } from "./plugin/clawhip-plugin.js";
