// Lets the node-side type check (tsconfig.node.json) see .vue imports in component tests;
// the components' own types are checked by vue-tsc with tsconfig.web.json.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
