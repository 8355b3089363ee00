export * from "./courses";
export * from "./permissions";
