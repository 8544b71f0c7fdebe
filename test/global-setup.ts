/** vitest globalSetup: one Postgres + Neon endpoint for the whole run, handed to tests by `inject`. */
import type { TestProject } from "vitest/node";
import { startTestStack } from "./support/stack.ts";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    ownerUrl: string;
    superuserUrl: string;
    failsafeRuntimeUrl: string;
    failsafeOwnerUrl: string;
    neonEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const stack = await startTestStack();
  project.provide("databaseUrl", stack.urls.runtime);
  project.provide("ownerUrl", stack.urls.owner);
  project.provide("superuserUrl", stack.urls.superuser);
  project.provide("failsafeRuntimeUrl", stack.urls.failsafeRuntime);
  project.provide("failsafeOwnerUrl", stack.urls.failsafeOwner);
  project.provide("neonEndpoint", stack.endpoint.address);
  return () => stack.stop();
}
