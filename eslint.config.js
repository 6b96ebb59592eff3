// ESLint for all TypeScript (tasks, scripts, core, tests, deploy modules, the Hardhat plugin): the recommended
// rules of ESLint and typescript-eslint, plus the house rules of STYLE.md — type-only imports, no `any`.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "artifacts/", "cache/", "typechain-types/", "types/", "coverage/", "dist/", "deploy/deployments/", "**/.ponder/", "**/generated/", "indexer/ponder-env.d.ts", "indexer/abis.ts", "app/dist/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { prefer: "type-imports", fixStyle: "separate-type-imports" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // `let [a, b] = …` where only some are reassigned later stays one destructuring.
      "prefer-const": ["error", { destructuring: "all" }],
    },
  },
);
