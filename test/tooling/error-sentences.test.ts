/**
 * Every custom error of every deployed contract (Membership's included, and MockUSDC's, the local payment token)
 * has a one-line sentence in core/errors.ts: enumerated from the ABIs, encoded as a revert would be, decoded by the
 * tasks' explain(), and read back as a sentence — not the "reverted with Name(…)" fallback.
 */
import { expect } from "chai";
import { Interface, ZeroAddress, ZeroHash } from "ethers";
import type { ErrorFragment, ParamType } from "ethers";
import {
  AssetDeed__factory,
  BidToken__factory,
  DeliveryEscrow__factory,
  Listing__factory,
  ListingSeries__factory,
  Marketplace__factory,
  Membership__factory,
  MockUSDC__factory,
  RevenueVault__factory,
} from "../../typechain-types/index.js";
import { SENTENCES } from "../../core/errors.js";
import { explain } from "../../scripts/lib/errors.js";

const CONTRACTS = {
  Marketplace: Marketplace__factory,
  Listing: Listing__factory,
  ListingSeries: ListingSeries__factory,
  BidToken: BidToken__factory,
  AssetDeed: AssetDeed__factory,
  DeliveryEscrow: DeliveryEscrow__factory,
  RevenueVault: RevenueVault__factory,
  Membership: Membership__factory,
  MockUSDC: MockUSDC__factory,
};

/** A plausible value of an ABI type, so that the error can be encoded as a contract would revert with it. */
function sample(p: ParamType): unknown {
  if (p.baseType === "address") return ZeroAddress;
  if (p.baseType === "bool") return false;
  if (p.baseType === "string") return "text";
  if (p.baseType === "bytes") return "0x";
  if (p.baseType.startsWith("bytes")) return ZeroHash;
  if (p.baseType === "array") return [];
  if (p.baseType === "tuple") return (p.components ?? []).map(sample);
  return 1n; // uint/int and enums
}

describe("tooling: one sentence for every contract error", () => {
  for (const [name, factory] of Object.entries(CONTRACTS)) {
    it(`${name}: every custom error decodes to its sentence`, () => {
      const iface = new Interface(factory.abi);
      const errors: ErrorFragment[] = [];
      iface.forEachError((e) => errors.push(e));
      expect(errors.length, name).to.be.above(0);
      const missing = errors.filter((e) => !SENTENCES[e.name]).map((e) => e.name);
      expect(missing, `${name} errors without a sentence`).to.deep.equal([]);
      for (const e of errors) {
        const data = iface.encodeErrorResult(e, e.inputs.map(sample));
        const sentence = explain({ data });
        expect(sentence, e.format()).to.not.match(/^reverted with|unknown data|undefined|NaN/);
        expect(sentence, e.format()).to.not.include("\n");
      }
    });
  }

  it("one error name means one thing: no two contracts declare a name with other arguments (sentences are keyed by name)", () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const [name, factory] of Object.entries(CONTRACTS)) {
      new Interface(factory.abi).forEachError((e) => {
        const signature = e.format("sighash");
        const earlier = seen.get(e.name);
        if (earlier !== undefined && earlier !== signature) clashes.push(`${name}: ${signature} vs ${earlier}`);
        seen.set(e.name, signature);
      });
    }
    expect(clashes).to.deep.equal([]);
  });
});
