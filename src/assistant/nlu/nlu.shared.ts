// One trained model per process: training takes a fraction of a second, and the model does
// not depend on the catalog (names are matched separately and updated with updateCatalog).
import { createNlu, type Nlu } from './nlu.js';
import { demoNluCatalog } from './nlu.demo.js';

let shared: Nlu | undefined;

export function sharedNlu(): Nlu {
  shared ??= createNlu(demoNluCatalog());
  return shared;
}
