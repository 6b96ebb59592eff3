/**
 * Everything a task, flow or keeper needs to talk to one deployment: the network connection, typed contract
 * handles found from the Marketplace alone, the payment token's units, and the accounts that may sign.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { isAddress } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkConnection } from "hardhat/types/network";
import LocalCopurchase from "../../deploy/modules/LocalCopurchase.js";
import {
  AssetDeed__factory,
  BidToken__factory,
  DeliveryEscrow__factory,
  Listing__factory,
  Marketplace__factory,
  MockUSDC__factory,
  RevenueVault__factory,
  Membership__factory,
  VRFCoordinatorV2_5Mock__factory,
} from "../../typechain-types/index.js";
import type { Listing } from "../../typechain-types/index.js";
import type { PermitDomainParameter } from "../../core/permit.js";
import { UserError } from "./errors.js";
import { formatToken, parseToken, shortAddress } from "./format.js";

/** Ignition module ids that deploy the system; their Marketplace future is `<module>#Marketplace`. */
const MODULE_IDS = ["LocalCopurchase", "LocalCopurchaseUsdc", "Copurchase"];
/** Chain ids of local development chains, where the VRF mock may be driven and time may be moved. */
const LOCAL_CHAIN_IDS = new Set([31337n, 1337n]);

export interface Money {
  symbol: string;
  decimals: number;
  /** Units → "12.50 USDC". */
  format(units: bigint): string;
  /** "12.5" or "12.50 USDC" → units; throws a UserError with the reason. */
  parse(text: string): bigint;
}

export interface OpenOptions {
  /** A Marketplace address, a deployment id under deploy/deployments, a deployment folder or its JSON file. */
  deployment?: string;
  /** Where Ignition keeps deployments (hre.config.paths.ignition). */
  ignitionDir: string;
  /** Prints what the context did on its own (e.g. deploying locally); silent when omitted. */
  log?: (line: string) => void;
}

// One in-process deployment per connection: every task of one Hardhat process then sees the same system.
const inProcessDeployments = new WeakMap<object, string>();

/** Opens a deployment on `connection`; see `resolveMarketplace` for where the addresses come from. */
export async function openContext(connection: NetworkConnection, options: OpenOptions) {
  const { ethers } = connection;
  const provider = ethers.provider;
  const { chainId } = await provider.getNetwork();
  const inProcess = connection.networkConfig.type === "edr-simulated";
  const local = inProcess || LOCAL_CHAIN_IDS.has(chainId);
  const signers = await ethers.getSigners();

  const { address: marketplaceAddress, source } = await resolveMarketplace(connection, chainId, inProcess, options);
  const marketplace = Marketplace__factory.connect(marketplaceAddress, provider);
  const modules = await marketplace.modules();
  const tokenAddress = await marketplace.paymentToken();
  const vrf = await marketplace.vrfConfig();
  // MockUSDC's ABI is a plain ERC-20 with permit: it fits USDC on live networks as well.
  const token = MockUSDC__factory.connect(tokenAddress, provider);
  const [decimals, symbol] = await Promise.all([token.decimals(), token.symbol()]);
  const money: Money = {
    symbol,
    decimals: Number(decimals),
    format: (units) => formatToken(units, Number(decimals), symbol),
    parse: (text) => {
      try {
        return parseToken(text, Number(decimals), symbol);
      } catch (error) {
        throw new UserError((error as Error).message);
      }
    },
  };

  const sys = {
    marketplace,
    token,
    bidToken: BidToken__factory.connect(modules.bidToken, provider),
    deed: AssetDeed__factory.connect(modules.assetDeed, provider),
    escrow: DeliveryEscrow__factory.connect(modules.escrow, provider),
    vault: RevenueVault__factory.connect(modules.revenueVault, provider),
    // The escrow reports to the membership contract, so it knows its address (zero: none wired).
    membership: Membership__factory.connect(await DeliveryEscrow__factory.connect(modules.escrow, provider).membership(), provider),
    // Only the mock can be driven; on live networks the handle is used for its events alone.
    coordinator: VRFCoordinatorV2_5Mock__factory.connect(vrf.coordinator, provider),
  };

  return {
    connection,
    ethers,
    provider,
    chainId,
    networkName: connection.networkName,
    inProcess,
    local,
    signers,
    sys,
    money,
    deployment: { marketplace: marketplaceAddress, source },
    /** The network's `permitDomain` parameter: the permit domain's fallback for tokens that publish none. */
    permitDomain: permitDomainParameter(connection.networkName),
    /** The account named by `who` (an index into the node's accounts or an address), or the default index. */
    signer(who: string | undefined, defaultIndex = 0): HardhatEthersSigner {
      return pickSigner(signers, who, defaultIndex);
    },
    /** The latest block's timestamp: the chain's clock, which local networks may have moved. */
    async now(): Promise<bigint> {
      const block = await provider.getBlock("latest");
      return BigInt(block!.timestamp);
    },
    /** A listing given as its address or its id ("3" or "#3"), checked against the marketplace. */
    async listing(ref: string): Promise<Listing> {
      return resolveListing(marketplace, ref, provider);
    },
  };
}

export type Context = Awaited<ReturnType<typeof openContext>>;

/** `Copurchase.permitDomain` of deploy/parameters/<network>.json (baseSepolia → base-sepolia.json), if any. */
function permitDomainParameter(networkName: string): PermitDomainParameter {
  const file = path.join("deploy", "parameters", `${networkName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.json`);
  if (!existsSync(file)) return {};
  const parameters = JSON.parse(readFileSync(file, "utf8")) as { Copurchase?: { permitDomain?: PermitDomainParameter } };
  return parameters.Copurchase?.permitDomain ?? {};
}

function pickSigner(signers: HardhatEthersSigner[], who: string | undefined, defaultIndex: number) {
  const ref = (who ?? "").trim();
  if (ref === "") {
    const s = signers[defaultIndex];
    if (!s) throw new UserError(`this network has no account #${defaultIndex}: name one with --from`);
    return s;
  }
  if (/^\d+$/.test(ref)) {
    const s = signers[Number(ref)];
    if (!s) throw new UserError(`there is no account #${ref}; this network has ${signers.length} (0…${signers.length - 1})`);
    return s;
  }
  if (!isAddress(ref)) throw new UserError(`"${ref}" is neither an account index nor an address`);
  const s = signers.find((x) => x.address.toLowerCase() === ref.toLowerCase());
  if (!s) {
    throw new UserError(`${shortAddress(ref)} is not an account this network can sign for: use one of its ${signers.length} accounts (--from 0…${signers.length - 1})`);
  }
  return s;
}

async function resolveListing(
  marketplace: ReturnType<typeof Marketplace__factory.connect>,
  ref: string,
  provider: NetworkConnection["ethers"]["provider"],
): Promise<Listing> {
  const text = ref.trim().replace(/^#/, "");
  let address: string;
  if (/^\d+$/.test(text)) {
    const count = await marketplace.listingCount();
    const id = BigInt(text);
    if (id < 1n || id > count) {
      throw new UserError(count === 0n ? `unknown listing #${id}: there are no listings yet (listing:create)` : `unknown listing #${id}: listings are #1…#${count}`);
    }
    address = await marketplace.listingAt(id);
  } else if (isAddress(text)) {
    address = text;
    if (!(await marketplace.isListing(address))) {
      throw new UserError(`unknown listing ${shortAddress(address)}: it is not a listing of the Marketplace at ${shortAddress(String(marketplace.target))}`);
    }
  } else {
    throw new UserError(`"${ref}" is not a listing: give its address or its id (e.g. 1)`);
  }
  return Listing__factory.connect(address, provider);
}

/**
 * Finds the Marketplace: from `--deployment` (an address, a deployment id, a folder or a deployed_addresses.json),
 * else from Ignition's folder for this chain (deploy/deployments/chain-<id>), else — only on the in-process
 * network, whose chain lives as long as the process — by deploying the LocalCopurchase module now.
 */
async function resolveMarketplace(
  connection: NetworkConnection,
  chainId: bigint,
  inProcess: boolean,
  options: OpenOptions,
): Promise<{ address: string; source: string }> {
  const provider = connection.ethers.provider;
  const hasCode = async (address: string) => (await provider.getCode(address)) !== "0x";
  const given = options.deployment?.trim();

  if (given) {
    const found = isAddress(given)
      ? { address: given, source: "--deployment address" }
      : readDeployment(locateDeploymentFile(given, options.ignitionDir));
    if (!(await hasCode(found.address))) {
      throw new UserError(`no contract at ${shortAddress(found.address)} (${found.source}) on ${connection.networkName}: wrong network, or the node was restarted since deploying`);
    }
    return found;
  }

  const defaultFile = path.join(options.ignitionDir, "deployments", `chain-${chainId}`, "deployed_addresses.json");
  if (existsSync(defaultFile)) {
    const found = readDeployment(defaultFile);
    if (await hasCode(found.address)) return found;
    if (!inProcess) {
      throw new UserError(`${path.relative(process.cwd(), defaultFile)} names a Marketplace at ${shortAddress(found.address)}, but the chain has no code there (node restarted?): redeploy, e.g. npx hardhat ignition deploy deploy/modules/LocalCopurchase.ts --network ${connection.networkName} --reset`);
    }
  }

  if (inProcess) {
    const cached = inProcessDeployments.get(connection);
    if (cached) return { address: cached, source: "deployed in this process" };
    const deployed = await connection.ignition.deploy(LocalCopurchase);
    const address = String(deployed.marketplace.target);
    inProcessDeployments.set(connection, address);
    options.log?.(`(in-process network, no deployment given: deployed the LocalCopurchase module, Marketplace at ${shortAddress(address)})`);
    return { address, source: "deployed in this process" };
  }

  throw new UserError(
    `no Copurchase deployment recorded for chain ${chainId} (${path.relative(process.cwd(), defaultFile)}): deploy with ` +
      `npx hardhat ignition deploy deploy/modules/${chainId === 31337n ? "LocalCopurchase" : "Copurchase"}.ts --network ${connection.networkName}, or pass --deployment`,
  );
}

function locateDeploymentFile(given: string, ignitionDir: string): string {
  const candidates = [given, path.join(given, "deployed_addresses.json"), path.join(ignitionDir, "deployments", given, "deployed_addresses.json")];
  for (const c of candidates) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  throw new UserError(`no deployment at "${given}": give a Marketplace address, a deployment id under ${path.join(ignitionDir, "deployments")}, or a deployed_addresses.json`);
}

function readDeployment(file: string): { address: string; source: string } {
  let parsed: Record<string, string>;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${(error as Error).message}`);
  }
  for (const id of MODULE_IDS) {
    const address = parsed[`${id}#Marketplace`];
    if (address) return { address, source: `${path.relative(process.cwd(), file)} (${id})` };
  }
  throw new UserError(`${file} has no Marketplace of module ${MODULE_IDS.join(" or ")}`);
}
