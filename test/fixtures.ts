/** The tests' fixtures live with the scripts (the gas benchmark uses them too): scripts/lib/fixtures.ts. */
export * from "../scripts/lib/fixtures.js";
