/**
 * Turns failures into one line a person can act on, for the tasks and scripts: revert data is decoded with ethers
 * against every contract's ABI and described by the shared sentence table in core/errors.ts.
 */
import { Interface } from "ethers";
import type { ErrorDescription } from "ethers";
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
  VRFCoordinatorV2_5Mock__factory,
} from "../../typechain-types/index.js";
import { UserError, describeError } from "../../core/errors.js";
import type { AmountFormatter } from "../../core/errors.js";
import { formatUnitsPlain } from "../../core/format.js";

export { UserError } from "../../core/errors.js";
export type { AmountFormatter } from "../../core/errors.js";
export * from "../../core/enums.js";

// Every ABI a transaction of ours can revert through, including the OpenZeppelin errors they inherit. One error
// name may exist in several contracts with different arguments, so decoding goes by selector.
const ERROR_INTERFACES = [
  Marketplace__factory,
  Listing__factory,
  ListingSeries__factory,
  BidToken__factory,
  AssetDeed__factory,
  DeliveryEscrow__factory,
  RevenueVault__factory,
  Membership__factory,
  MockUSDC__factory,
  VRFCoordinatorV2_5Mock__factory,
].map((f) => new Interface(f.abi));

/** Finds revert data anywhere in an ethers / Hardhat / EDR error object. */
export function revertData(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const x = stack.pop();
    if (x === null || typeof x !== "object" || seen.has(x)) continue;
    seen.add(x);
    const record = x as Record<string, unknown>;
    if (typeof record.data === "string" && /^0x[0-9a-fA-F]{8}/.test(record.data)) return record.data;
    for (const key of ["data", "error", "info", "cause", "revert", "receipt"]) stack.push(record[key]);
  }
  return undefined;
}

/** The custom error in revert data, if any contract of the system declares it. */
export function decodeRevert(data: string): ErrorDescription | undefined {
  for (const iface of ERROR_INTERFACES) {
    try {
      const parsed = iface.parseError(data);
      if (parsed) return parsed;
    } catch {
      // not this contract's error
    }
  }
  return undefined;
}

/** The one-line sentence for a decoded custom error (falls back to its name and arguments). */
export function describeCustomError(parsed: ErrorDescription, fmt: AmountFormatter = formatUnitsPlain): string {
  return describeError(parsed.name, parsed.args, fmt);
}

/** One line for any failure: a sentence for our own and the contracts' errors, else the error's first line. */
export function explain(error: unknown, fmt: AmountFormatter = formatUnitsPlain): string {
  if (error instanceof UserError) return error.message;
  const data = revertData(error);
  if (data) {
    const parsed = decodeRevert(data);
    return parsed ? describeCustomError(parsed, fmt) : `the transaction reverted with unknown data ${data.slice(0, 10)}…`;
  }
  const record = (error ?? {}) as Record<string, unknown>;
  const message = error instanceof Error ? error.message : String(error);
  if (record.code === "ECONNREFUSED" || /ECONNREFUSED|fetch failed|Cannot connect to the network/i.test(message)) {
    return "cannot reach the node: start it (npx hardhat node) or check the network's URL";
  }
  // Hardhat's "Configuration Variable … not found" (environment) and the keystore plugin's "Key … not found".
  const variable = /(?:Configuration Variable|Key) "([A-Za-z0-9_]+)" not found/.exec(message);
  if (variable) {
    const name = variable[1];
    return `${name} is not set: store it with npx hardhat keystore set ${name} (or export ${name}=… in the shell) and run again`;
  }
  if (record.code === "CALL_EXCEPTION") return "the call reverted without a reason (is the address a contract of this system?)";
  return message.split("\n")[0];
}
