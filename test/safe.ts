/**
 * A real Safe (safe-smart-account 1.5.0, deployed from its shipped artifacts) for tests: a 2-of-3 multisig that
 * executes transactions signed by two owners, and answers ERC-1271 for messages two owners signed.
 */
import { createRequire } from "node:module";
import type { BytesLike, Contract } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ethers } from "./fixtures.js";

const require = createRequire(import.meta.url);
const ARTIFACTS = "@safe-global/safe-smart-account/build/artifacts/contracts";
interface Artifact {
  abi: object[];
  bytecode: string;
}
const artifact = (path: string): Artifact => require(`${ARTIFACTS}/${path}`);

export interface TestSafe {
  safe: Contract;
  address: string;
  owners: HardhatEthersSigner[];
}

/** Deploys the Safe singleton, the proxy factory and the fallback handler, then a `threshold`-of-n Safe proxy. */
export async function deploySafe(deployer: HardhatEthersSigner, owners: HardhatEthersSigner[], threshold = 2): Promise<TestSafe> {
  const factoryOf = (a: Artifact) => new ethers.ContractFactory(a.abi, a.bytecode, deployer);
  const safeArtifact = artifact("Safe.sol/Safe.json");
  const singleton = await (await factoryOf(safeArtifact).deploy()).waitForDeployment();
  const proxyFactory = await (
    await factoryOf(artifact("proxies/SafeProxyFactory.sol/SafeProxyFactory.json")).deploy()
  ).waitForDeployment();
  const handler = await (
    await factoryOf(artifact("handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json")).deploy()
  ).waitForDeployment();
  const safeInterface = new ethers.Interface(safeArtifact.abi);
  const setup = safeInterface.encodeFunctionData("setup", [
    owners.map((o) => o.address),
    threshold,
    ethers.ZeroAddress,
    "0x",
    await handler.getAddress(),
    ethers.ZeroAddress,
    0,
    ethers.ZeroAddress,
  ]);
  const salt = BigInt(ethers.id(`safe-${Date.now()}-${Math.random()}`)) % 2n ** 64n;
  const create = proxyFactory.getFunction("createProxyWithNonce");
  const address: string = await create.staticCall(await singleton.getAddress(), setup, salt);
  await (await create(await singleton.getAddress(), setup, salt)).wait();
  return { safe: new ethers.Contract(address, safeArtifact.abi, deployer), address, owners };
}

/** Owners' signatures concatenated in ascending owner-address order, as the Safe requires. */
async function signSorted(
  signers: HardhatEthersSigner[],
  sign: (s: HardhatEthersSigner) => Promise<string>,
): Promise<string> {
  const sorted = [...signers].sort((a, b) => (BigInt(a.address) < BigInt(b.address) ? -1 : 1));
  return ethers.concat(await Promise.all(sorted.map(sign)));
}

/** Has `signers` sign a Safe transaction calling `to` with `data`, and executes it (sent by the first signer). */
export async function execSafe(s: TestSafe, signers: HardhatEthersSigner[], to: string, data: BytesLike) {
  const { chainId } = await ethers.provider.getNetwork();
  const nonce: bigint = await s.safe.nonce();
  const tx = {
    to,
    value: 0,
    data,
    operation: 0,
    safeTxGas: 0,
    baseGas: 0,
    gasPrice: 0,
    gasToken: ethers.ZeroAddress,
    refundReceiver: ethers.ZeroAddress,
    nonce,
  };
  const types = {
    SafeTx: [
      { name: "to", type: "address" },
      { name: "value", type: "uint256" },
      { name: "data", type: "bytes" },
      { name: "operation", type: "uint8" },
      { name: "safeTxGas", type: "uint256" },
      { name: "baseGas", type: "uint256" },
      { name: "gasPrice", type: "uint256" },
      { name: "gasToken", type: "address" },
      { name: "refundReceiver", type: "address" },
      { name: "nonce", type: "uint256" },
    ],
  };
  const signatures = await signSorted(signers, (o) =>
    o.signTypedData({ chainId, verifyingContract: s.address }, types, tx),
  );
  const execute = s.safe.connect(signers[0]).getFunction("execTransaction");
  return execute(
    tx.to,
    tx.value,
    tx.data,
    tx.operation,
    tx.safeTxGas,
    tx.baseGas,
    tx.gasPrice,
    tx.gasToken,
    tx.refundReceiver,
    signatures,
  );
}

/** An ERC-1271 signature of `digest` by the Safe: `signers` sign `SafeMessage(bytes message)` with message = digest. */
export async function signAsSafe(s: TestSafe, signers: HardhatEthersSigner[], digest: string): Promise<string> {
  const { chainId } = await ethers.provider.getNetwork();
  const types = { SafeMessage: [{ name: "message", type: "bytes" }] };
  return signSorted(signers, (o) =>
    o.signTypedData({ chainId, verifyingContract: s.address }, types, { message: digest }),
  );
}
