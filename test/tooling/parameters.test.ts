import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { getAddress } from "ethers";

/** Per-network deployment parameters (deploy/parameters/*.json) keep one shape; unknown values are named placeholders. */
describe("tooling: per-network deployment parameters", () => {
  const dir = path.join("deploy", "parameters");
  const read = (file: string) => JSON.parse(readFileSync(path.join(dir, file), "utf8")).Copurchase as Record<string, unknown>;
  const reference = read("sepolia.json");

  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    it(`${file} has the shape of sepolia.json, checksummed addresses or REPLACE_ placeholders`, () => {
      const params = read(file);
      expect(Object.keys(params).sort()).to.deep.equal(Object.keys(reference).sort());
      for (const key of ["paymentToken", "vrfCoordinator"]) {
        const value = String(params[key]);
        if (!value.startsWith("REPLACE_")) expect(getAddress(value), `${file} ${key}`).to.equal(value);
      }
      expect(String(params.keyHash)).to.match(/^0x[0-9a-f]{64}$/);
      expect(String(params.subscriptionId)).to.match(/^(REPLACE_\w+|\d+)$/);
    });
  }
});
