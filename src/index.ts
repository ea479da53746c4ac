// Public API: re-exports added per concept.
export {};
