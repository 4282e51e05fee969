// The slice of the application services the assistant uses (the whole set minus itself).
import type { createCoreServices } from '../app.services.js';

export type AppServicesCore = Awaited<ReturnType<typeof createCoreServices>>;
