// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {IMembershipHooks} from "./IMembershipHooks.sol";
import {IMembership} from "./IMembership.sol";

/// @title IDeliveryEscrow
/// @notice Holds the price (and, for a settled listing, the deed) of every order until the buyer authorizes delivery
/// (SPEC §4.5): settlement orders opened by listings and direct fixed-price orders opened by buyers, released by the
/// buyer's EIP-712 / ERC-1271 signature, a one-time code, the buyer directly, or an unchallenged confirmation window;
/// refunded when the seller misses the ship-by time, after a suspension, on cancellation or by dispute (2 of 3 among
/// buyer, seller and arbiter). Every payout is a balance withdrawn by its owner.
interface IDeliveryEscrow {
    /// @notice Order states. Open: AwaitingShipment, Shipped, Disputed, Suspended. Closed: Released, Refunded,
    /// Voided, Split, CashedOut.
    enum OrderStatus {
        None,
        AwaitingDraw,
        AwaitingShipment,
        Shipped,
        Released,
        Refunded,
        Voided,
        Disputed,
        Suspended,
        Split,
        CashedOut
    }

    /// @notice How an order was released.
    enum ReleaseMethod {
        Buyer,
        Signature,
        Code,
        Unchallenged,
        Dispute,
        DisputeExpired
    }

    /// @notice A dispute vote.
    enum Outcome {
        None,
        Release,
        Refund,
        Split
    }

    /// @notice One order, packed in four slots plus the code and tracking hashes (the deed id shares its slot with
    /// the fee and the opening time).
    /// @param buyer The buyer (the winner of a settlement order; zero while its draw is pending).
    /// @param status The state.
    /// @param dueAt When the current status's time runs out: the ship-by time (AwaitingShipment), the end of the
    /// confirmation window (Shipped), the time a refund becomes possible (Suspended), the end of the arbiter's time
    /// (Disputed, see `settleExpiredDispute`). While awaiting the draw there is no clock yet: it holds the ship window
    /// in seconds, snapshotted at settlement, which `assignBuyer` turns into the ship-by time (one slot on that path).
    /// @param failedAttempts Wrong one-time codes submitted so far.
    /// @param codeLength Declared length in bytes of the committed one-time code (0: no code).
    /// @param nonce Authorization nonce; the buyer bumps it to revoke signatures handed out.
    /// @param seller Who is paid on release.
    /// @param amount The order's price in payment-token units.
    /// @param listing The listing that opened a settlement order (zero for a direct order).
    /// @param paid Units paid in so far (less than `amount` while a deposit order's balance is due).
    /// @param deedId The deed held for the buyer (settlement orders only).
    /// @param feeBps The platform fee on a direct order, snapshotted at opening and charged at release (settlement
    /// orders: 0, the platform's fee is the listing's markup).
    /// @param openedAt When the order was opened (settlement orders: at settlement); tier cancellation windows count
    /// from it.
    /// @param codeHash keccak256 of the one-time code (zero: no code).
    /// @param trackingHash Hash of the shipment's tracking reference (zero until shipped).
    struct Order {
        address buyer;
        OrderStatus status;
        uint40 dueAt;
        uint8 failedAttempts;
        uint8 codeLength;
        uint32 nonce;
        address seller;
        uint96 amount;
        address listing;
        uint96 paid;
        uint200 deedId;
        uint16 feeBps;
        uint40 openedAt;
        bytes32 codeHash;
        bytes32 trackingHash;
    }

    /// @notice How the policy role refunds a cancelled order (see `cancelByPolicy`).
    /// @param mode Wallet: what was paid is owed to the buyer. Credit: it is added as credit to the buyer's bid token
    /// `creditTokenId`. WalletMinusFee: `feeBps` of it goes to the revenue vault, the rest is owed to the buyer.
    /// @param feeBps The fee for WalletMinusFee, at most 10,000 bps (ignored otherwise).
    /// @param creditTokenId The buyer's bid token for Credit (ignored otherwise).
    struct Refund {
        IMembership.RefundMode mode;
        uint16 feeBps;
        uint256 creditTokenId;
    }

    /// @notice A seller's signed offer of a direct order (EIP-712 `Offer` under this escrow's domain). A buyer opens
    /// an order from it with `openOrder`; each nonce opens at most one order.
    /// @param seller The seller who signed (an EOA, or a contract wallet through ERC-1271).
    /// @param buyer The only buyer who may take it (zero: anyone).
    /// @param item The seller's reference of the item offered (e.g. a hash of its listing text).
    /// @param amount The price.
    /// @param shipWindow Seconds from opening to the ship-by time (1 … 180 days).
    /// @param upfrontBps Share paid at opening, 1 … 10,000 bps (10,000: paid in full).
    /// @param expiry Last time the offer can be taken.
    /// @param nonce Any number the seller has not used or cancelled.
    struct Offer {
        address seller;
        address buyer;
        bytes32 item;
        uint256 amount;
        uint256 shipWindow;
        uint256 upfrontBps;
        uint256 expiry;
        uint256 nonce;
    }

    /// @notice One party's dispute vote.
    /// @param outcome The outcome voted for (None: no vote).
    /// @param sellerBps The seller's share of what was paid, in basis points (10,000 for Release, 0 for Refund).
    struct Ballot {
        Outcome outcome;
        uint16 sellerBps;
    }

    /// @notice Thrown when the caller is not a listing of the marketplace.
    /// @param caller The caller.
    error NotAListing(address caller);
    /// @notice Thrown when a caller without a settlement order acts on one.
    /// @param caller The caller.
    error NoOrderForListing(address caller);
    /// @notice Thrown when a listing opens a second settlement order.
    /// @param listing The listing.
    /// @param orderId Its order.
    error OrderAlreadyOpened(address listing, uint256 orderId);
    /// @notice Thrown when the caller is not the order's buyer.
    /// @param orderId The order.
    /// @param caller The caller.
    error NotBuyer(uint256 orderId, address caller);
    /// @notice Thrown when the caller is not the order's seller.
    /// @param orderId The order.
    /// @param caller The caller.
    error NotSeller(uint256 orderId, address caller);
    /// @notice Thrown when the caller is neither the order's seller nor a delivery agent the seller named.
    /// @param orderId The order.
    /// @param caller The caller.
    error NotSellerOrAgent(uint256 orderId, address caller);
    /// @notice Thrown when the caller is not the order's buyer or seller.
    /// @param orderId The order.
    /// @param caller The caller.
    error NotAParty(uint256 orderId, address caller);
    /// @notice Thrown when the caller is not the buyer, the seller or the arbiter of a disputed order.
    /// @param orderId The order.
    /// @param caller The caller.
    error NotAVoter(uint256 orderId, address caller);
    /// @notice Thrown when an order is in the wrong state for the call.
    /// @param orderId The order.
    /// @param status Its state.
    error WrongOrderStatus(uint256 orderId, OrderStatus status);
    /// @notice Thrown when shipping after the ship-by time.
    /// @param orderId The order.
    /// @param shipBy The ship-by time.
    error ShipByPassed(uint256 orderId, uint40 shipBy);
    /// @notice Thrown when claiming the unshipped refund before the ship-by time.
    /// @param orderId The order.
    /// @param shipBy The ship-by time.
    error ShipByNotPassed(uint256 orderId, uint40 shipBy);
    /// @notice Thrown when releasing an unchallenged order before its confirmation window ended.
    /// @param orderId The order.
    /// @param confirmBy The end of the window.
    error ConfirmWindowOpen(uint256 orderId, uint40 confirmBy);
    /// @notice Thrown when refunding a suspended order before its suspension period ended.
    /// @param orderId The order.
    /// @param refundableAt When the refund becomes possible.
    error SuspensionNotOver(uint256 orderId, uint40 refundableAt);
    /// @notice Thrown for a zero buyer, seller or amount, a seller equal to the buyer, or a zero tracking hash.
    error InvalidOrder();
    /// @notice Thrown for an offer whose ship window is zero or longer than the longest ship window.
    /// @param shipWindow The window offered, in seconds.
    /// @param longest The longest allowed.
    error ShipWindowOutOfRange(uint256 shipWindow, uint256 longest);
    /// @notice Thrown when an offer is taken after its expiry.
    /// @param expiry The offer's expiry.
    /// @param timestamp The current time.
    error OfferExpired(uint256 expiry, uint256 timestamp);
    /// @notice Thrown when an offer reserved for one buyer is taken by another.
    /// @param buyer The buyer the offer names.
    /// @param caller The caller.
    error OfferNotForCaller(address buyer, address caller);
    /// @notice Thrown when an offer's nonce was already used or cancelled by its seller.
    /// @param seller The seller.
    /// @param nonce The nonce.
    error OfferNonceUsed(address seller, uint256 nonce);
    /// @notice Thrown when a signature is not the seller's signature of the offer under this escrow's domain and the
    /// seller's current offer counter (wrong signer or terms, an offer cancelled by counter, a malleable signature).
    /// @param seller The seller whose signature was expected.
    /// @param counter The seller's current offer counter.
    error InvalidOfferSignature(address seller, uint256 counter);
    /// @notice Thrown for a direct-order fee above 1,000 bps.
    /// @param feeBps The fee given.
    /// @param max The highest allowed.
    error DirectFeeTooHigh(uint256 feeBps, uint256 max);
    /// @notice Thrown when the cash option is asked for after the seller marked the order shipped.
    /// @param orderId The order.
    /// @param trackingHash The shipment's tracking hash.
    error AlreadyShipped(uint256 orderId, bytes32 trackingHash);
    /// @notice Thrown when the buyer replaces a committed one-time code after the order was shipped.
    /// @param orderId The order.
    /// @param codeHash The code committed, which stays.
    error CodeLocked(uint256 orderId, bytes32 codeHash);
    /// @notice Thrown when a dispute is opened after the confirmation window (shipped) or the ship-by time
    /// (unshipped) has passed: the order's own clock has already decided it.
    /// @param orderId The order.
    /// @param closedAt When disputes closed.
    error DisputeWindowClosed(uint256 orderId, uint40 closedAt);
    /// @notice Thrown when a dispute is opened while no arbiter is set.
    error NoArbiter();
    /// @notice Thrown when a dispute is settled by default before the arbiter's time is over.
    /// @param orderId The order.
    /// @param decideBy When the default applies.
    error DisputeNotExpired(uint256 orderId, uint40 decideBy);
    /// @notice Thrown when replaying a membership report that was not recorded as failed (or was already replayed).
    /// @param reportHash keccak256 of the report given.
    error NoFailedReport(bytes32 reportHash);
    /// @notice Thrown when a replayed membership report fails again (it stays recorded).
    /// @param reportHash keccak256 of the report.
    error ReportReplayFailed(bytes32 reportHash);
    /// @notice Thrown when anyone but the marketplace binds the membership.
    /// @param caller The caller.
    error NotMarketplace(address caller);
    /// @notice Thrown when there are no platform fees to sweep.
    error NoFees();
    /// @notice Thrown for an amount that does not fit the books (above 2**96 - 1).
    /// @param amount The amount given.
    error AmountTooLarge(uint256 amount);
    /// @notice Thrown for an upfront share outside 1 … 10,000 bps, or one that rounds the deposit to zero.
    /// @param upfrontBps The share given.
    error UpfrontShareOutOfRange(uint256 upfrontBps);
    /// @notice Thrown when a one-time code is declared shorter than 16 bytes (128 bits).
    /// @param declared The declared length in bytes.
    /// @param minimum The minimum, 16.
    error CodeTooShort(uint256 declared, uint256 minimum);
    /// @notice Thrown when a code is committed with a zero hash.
    error InvalidCodeHash();
    /// @notice Thrown when a code is submitted for an order without a committed code.
    /// @param orderId The order.
    error NoCodeCommitted(uint256 orderId);
    /// @notice Thrown when a release path runs while a deposit order's balance is still due.
    /// @param orderId The order.
    /// @param due Units still due.
    error BalanceDue(uint256 orderId, uint256 due);
    /// @notice Thrown when paying the balance of an order that has none due.
    /// @param orderId The order.
    error NothingDue(uint256 orderId);
    /// @notice Thrown when an authorization's deadline has passed.
    /// @param deadline The deadline signed.
    /// @param timestamp The current time.
    error AuthorizationExpired(uint256 deadline, uint256 timestamp);
    /// @notice Thrown when a signature is not the buyer's authorization of this order, seller, amount, deadline and
    /// nonce under this escrow's domain (wrong signer, order, chain, contract, nonce, or a malleable signature).
    /// @param orderId The order.
    /// @param buyer The buyer whose signature was expected.
    error InvalidAuthorization(uint256 orderId, address buyer);
    /// @notice Thrown for a cash option on an order that is not a settlement order.
    /// @param orderId The order.
    error NotASettlementOrder(uint256 orderId);
    /// @notice Thrown for a split above 10,000 bps or a vote without an outcome.
    /// @param outcome The outcome.
    /// @param sellerBps The seller's share given.
    error InvalidVote(Outcome outcome, uint256 sellerBps);
    /// @notice Thrown for a cancellation reason below 16 (those codes are the escrow's own).
    /// @param reason The reason given.
    error ReasonReserved(uint8 reason);
    /// @notice Thrown for a deed id that does not fit the order's books (above 2**200 - 1).
    /// @param deedId The id given.
    error DeedIdTooLarge(uint256 deedId);
    /// @notice Thrown for a refund fee above 10,000 bps.
    /// @param feeBps The fee given.
    error FeeTooHigh(uint256 feeBps);
    /// @notice Thrown when a credit refund names a bid token the buyer does not hold.
    /// @param tokenId The token.
    /// @param buyer The buyer.
    error CreditTokenNotHeld(uint256 tokenId, address buyer);
    /// @notice Thrown when the membership contract set is not a contract.
    /// @param account The address given.
    error NotAContract(address account);
    /// @notice Thrown for a window or a period outside its bounds.
    /// @param value The value given, in seconds.
    /// @param min The lower bound.
    /// @param max The upper bound.
    error WindowOutOfRange(uint256 value, uint256 min, uint256 max);
    /// @notice Thrown for a failed-attempt limit outside 1 … 20.
    /// @param maxAttempts The limit given.
    error MaxAttemptsOutOfRange(uint256 maxAttempts);
    /// @notice Thrown when the payment token delivered a different amount than was pulled (fee-on-transfer tokens
    /// are not supported).
    /// @param expected Units pulled.
    /// @param received Units that arrived.
    error TransferAmountMismatch(uint256 expected, uint256 received);
    /// @notice Thrown when a call would leave the membership report less gas than its cap.
    /// @param available Gas left.
    /// @param needed Gas needed.
    error GasTooLowForReport(uint256 available, uint256 needed);
    /// @notice Thrown when there is nothing to withdraw.
    /// @param account The account.
    error NothingToWithdraw(address account);
    /// @notice Thrown when withdrawing to (or setting) the zero address.
    error ZeroAddress();

    /// @notice Emitted when a settlement order is opened; P and the deed are now held here.
    /// @param orderId The order.
    /// @param listing The listing.
    /// @param seller The seller.
    /// @param amount P.
    /// @param deedId The deed.
    event OrderOpened(
        uint256 indexed orderId,
        address indexed listing,
        address indexed seller,
        uint256 amount,
        uint256 deedId
    );
    /// @notice Emitted when a buyer opens a direct order and pays its upfront share.
    /// @param orderId The order.
    /// @param buyer The buyer.
    /// @param seller The seller.
    /// @param amount The price.
    /// @param paid Units paid now (the deposit, or the price).
    /// @param shipBy The ship-by time.
    event DirectOrderOpened(
        uint256 indexed orderId,
        address indexed buyer,
        address indexed seller,
        uint256 amount,
        uint256 paid,
        uint40 shipBy
    );
    /// @notice Emitted when the drawn winner becomes the order's buyer.
    /// @param orderId The order.
    /// @param buyer The winner.
    /// @param shipBy The ship-by time.
    event BuyerAssigned(uint256 indexed orderId, address indexed buyer, uint40 shipBy);
    /// @notice Emitted when an order is voided because its draw failed; P returns to the listing, the deed to
    /// the seller.
    /// @param orderId The order.
    event OrderVoided(uint256 indexed orderId);
    /// @notice Emitted when the buyer commits the hash of a one-time code.
    /// @param orderId The order.
    /// @param codeHash keccak256 of the code.
    /// @param codeLength Its declared length in bytes.
    event CodeCommitted(uint256 indexed orderId, bytes32 codeHash, uint8 codeLength);
    /// @notice Emitted when the buyer pays the balance of a deposit order.
    /// @param orderId The order.
    /// @param amount Units paid.
    event BalancePaid(uint256 indexed orderId, uint256 amount);
    /// @notice Emitted when a seller names or removes a delivery agent.
    /// @param seller The seller.
    /// @param agent The agent.
    /// @param allowed Whether it may submit authorizations for the seller's orders.
    event DeliveryAgentSet(address indexed seller, address indexed agent, bool allowed);
    /// @notice Emitted when the buyer revokes every authorization signed for an order so far.
    /// @param orderId The order.
    /// @param nonce The new nonce.
    event AuthorizationsRevoked(uint256 indexed orderId, uint32 nonce);
    /// @notice Emitted when the seller marks the order shipped.
    /// @param orderId The order.
    /// @param trackingHash Hash of the tracking reference.
    /// @param confirmBy End of the buyer's confirmation window.
    event OrderShipped(uint256 indexed orderId, bytes32 trackingHash, uint40 confirmBy);
    /// @notice Emitted when a wrong one-time code was submitted.
    /// @param orderId The order.
    /// @param attempts Wrong codes so far.
    event AuthorizationFailed(uint256 indexed orderId, uint8 attempts);
    /// @notice Emitted when too many wrong codes suspend an order.
    /// @param orderId The order.
    /// @param refundableAt When anyone can refund it to the buyer.
    event OrderSuspended(uint256 indexed orderId, uint40 refundableAt);
    /// @notice Emitted when an order is released: the seller is owed the amount, the buyer receives the deed (if any).
    /// @param orderId The order.
    /// @param seller The seller credited.
    /// @param amount Payment-token units.
    /// @param method How the release was authorized.
    event OrderReleased(uint256 indexed orderId, address indexed seller, uint256 amount, ReleaseMethod method);
    /// @notice Emitted when what the buyer paid is credited back to it; the deed (if any) returns to the seller.
    /// @param orderId The order.
    /// @param buyer The buyer credited.
    /// @param amount Payment-token units.
    /// @param responsible The party the cancellation is attributed to.
    /// @param reason The reason code (see IMembershipHooks).
    event OrderRefunded(
        uint256 indexed orderId,
        address indexed buyer,
        uint256 amount,
        IMembershipHooks.Party responsible,
        uint8 reason
    );
    /// @notice Emitted with `OrderRefunded` when the policy role refunds by a tier's refund mode: how what was paid was
    /// split.
    /// @param orderId The order.
    /// @param mode The refund mode.
    /// @param toWallet Units owed to the buyer (withdrawn with `withdraw`).
    /// @param credit Units added as credit to the buyer's bid token.
    /// @param creditTokenId That token (0 without credit).
    /// @param fee Units paid to the revenue vault.
    event RefundSplit(
        uint256 indexed orderId,
        IMembership.RefundMode mode,
        uint256 toWallet,
        uint256 credit,
        uint256 creditTokenId,
        uint256 fee
    );
    /// @notice Emitted when a party proposes (or agrees to) cancelling an order.
    /// @param orderId The order.
    /// @param by The buyer or the seller.
    /// @param responsible The party the cancellation would be attributed to.
    /// @param reason The reason code.
    event CancellationProposed(
        uint256 indexed orderId,
        address indexed by,
        IMembershipHooks.Party responsible,
        uint8 reason
    );
    /// @notice Emitted when the buyer or the seller opens a dispute.
    /// @param orderId The order.
    /// @param by Who opened it.
    /// @param decideBy After this time anyone may end the dispute by its default outcome (`settleExpiredDispute`).
    event DisputeOpened(uint256 indexed orderId, address indexed by, uint40 decideBy);
    /// @notice Emitted when a dispute nobody settled in time ends by its default outcome: Refund for an order
    /// disputed before shipment or while suspended, Release for a shipped one (see `settleExpiredDispute`).
    /// @param orderId The order.
    /// @param outcome The default outcome applied.
    event DisputeExpired(uint256 indexed orderId, Outcome outcome);
    /// @notice Emitted when a shipped order's confirmation window (or dispute) ends with its balance still unpaid:
    /// the seller keeps what was paid, the buyer (charged with the cancellation) forfeits it.
    /// @param orderId The order.
    /// @param toSeller Units credited to the seller (the deposit).
    /// @param due Units that were never paid.
    event DepositForfeited(uint256 indexed orderId, uint256 toSeller, uint256 due);
    /// @notice Emitted when a direct order is opened from a seller's signed offer.
    /// @param orderId The order.
    /// @param seller The seller.
    /// @param nonce The offer's nonce, now used.
    /// @param item The seller's item reference.
    event OfferTaken(uint256 indexed orderId, address indexed seller, uint256 nonce, bytes32 item);
    /// @notice Emitted when a seller cancels one offer nonce.
    /// @param seller The seller.
    /// @param nonce The nonce, now unusable.
    event OfferCancelled(address indexed seller, uint256 nonce);
    /// @notice Emitted when a seller cancels every offer signed so far by raising its counter.
    /// @param seller The seller.
    /// @param counter The new counter (offers must be signed under it).
    event OfferCounterIncremented(address indexed seller, uint256 counter);
    /// @notice Emitted when a direct order's release charges the platform fee (held until `sweepFees`).
    /// @param orderId The order.
    /// @param fee Units kept from the seller's payment.
    event PlatformFeeCharged(uint256 indexed orderId, uint256 fee);
    /// @notice Emitted when the platform fees held are sent to the revenue vault.
    /// @param amount Units sent.
    event FeesSwept(uint256 amount);
    /// @notice Emitted when the operator changes the platform fee of direct orders opened from now on.
    /// @param feeBps The fee in bps.
    event DirectFeeSet(uint256 feeBps);
    /// @notice Emitted when a failed membership report is replayed successfully.
    /// @param orderId The order.
    /// @param reportHash keccak256 of the report.
    event MembershipReportReplayed(uint256 indexed orderId, bytes32 reportHash);
    /// @notice Emitted for each dispute vote.
    /// @param orderId The order.
    /// @param voter The buyer, the seller or the arbiter.
    /// @param outcome The outcome voted for.
    /// @param sellerBps The seller's share voted for.
    event VoteCast(uint256 indexed orderId, address indexed voter, Outcome outcome, uint16 sellerBps);
    /// @notice Emitted when two votes agree and the dispute is settled.
    /// @param orderId The order.
    /// @param outcome The outcome.
    /// @param toSeller Units credited to the seller.
    /// @param toBuyer Units credited to the buyer.
    event DisputeResolved(uint256 indexed orderId, Outcome outcome, uint256 toSeller, uint256 toBuyer);
    /// @notice Emitted when the membership contract rejected a report or ran out of its gas; the order's outcome
    /// stands and the report is recorded, so that anyone can replay it (`replayReport`) with more gas.
    /// @param orderId The order.
    /// @param reportHash keccak256 of the report.
    /// @param report The report's calldata, to pass to `replayReport`.
    event MembershipReportFailed(uint256 indexed orderId, bytes32 reportHash, bytes report);
    /// @notice Emitted when an account withdraws what it is owed.
    /// @param account The account.
    /// @param to Where the tokens went.
    /// @param amount Payment-token units.
    event Withdrawn(address indexed account, address indexed to, uint256 amount);
    /// @notice Emitted when the ship window changes.
    /// @param window Seconds from buyer assignment to the ship-by time.
    event ShipWindowSet(uint256 window);
    /// @notice Emitted when the confirmation window changes.
    /// @param window Seconds from shipping to the unchallenged release.
    event ConfirmWindowSet(uint256 window);
    /// @notice Emitted when the one-time code policy changes.
    /// @param maxAttempts Wrong codes that suspend an order.
    /// @param suspensionPeriod Seconds from suspension to the refund.
    event CodePolicySet(uint8 maxAttempts, uint256 suspensionPeriod);
    /// @notice Emitted when the arbiter changes.
    /// @param arbiter The new arbiter.
    event ArbiterSet(address indexed arbiter);
    /// @notice Emitted once, when the marketplace wires the membership contract (`setModules`).
    /// @param membership The membership contract (zero: no reporting).
    event MembershipSet(address indexed membership);

    // ---------------------------------------------------------------- settlement orders (listings only)

    /// @notice Opens a settlement order: pulls `amount` and the deed from the calling listing. Listings only.
    /// @param seller The seller.
    /// @param amount P.
    /// @param deedId The deed.
    /// @return orderId The new order.
    function openSettlementOrder(address seller, uint256 amount, uint256 deedId) external returns (uint256 orderId);

    /// @notice Makes the drawn winner the buyer of the calling listing's order and starts the ship-by clock.
    /// @param buyer The winner.
    function assignBuyer(address buyer) external;

    /// @notice Voids the calling listing's order after its draw failed: P back to the listing, the deed to the
    /// seller.
    function voidOrder() external;

    // ---------------------------------------------------------------- direct orders

    /// @notice Opens a direct fixed-price order from the seller's signed offer and pulls the upfront share from the
    /// caller (the buyer); the offer's nonce is used up. The upfront share rounds down; the rest is paid with
    /// `payBalance`. The platform fee (`directFeeBps`, snapshotted now) is kept from the seller's payment at release.
    /// @dev Only an order the seller agreed to can count against it in the membership tiers. Fee-on-transfer tokens
    /// are rejected. The opening is reported to the membership contract (gas-capped, as every report), which books
    /// the buyer's pending reward.
    /// @param offer The seller's offer.
    /// @param signature The seller's EIP-712 signature of `offer` (ERC-1271 for contract wallets).
    /// @param codeHash keccak256 of a one-time code, or zero for none (see `commitCode`).
    /// @param codeLength The code's length in bytes (ignored without a code).
    /// @return orderId The new order.
    function openOrder(
        Offer calldata offer,
        bytes calldata signature,
        bytes32 codeHash,
        uint8 codeLength
    ) external returns (uint256 orderId);

    /// @notice The seller cancels one offer nonce (signed or not), so no order can be opened from it.
    /// @param nonce The nonce.
    function cancelOffer(uint256 nonce) external;

    /// @notice The seller cancels every offer it signed so far by raising its counter.
    /// @return counter The new counter.
    function incrementOfferCounter() external returns (uint256 counter);

    /// @notice The buyer pays what is still due on a deposit order.
    /// @param orderId The order.
    function payBalance(uint256 orderId) external;

    // ---------------------------------------------------------------- authorization

    /// @notice The buyer commits (or, before shipment, replaces) the one-time code it will hand over at delivery.
    /// Failed attempts are not reset. Once the order is shipped a committed code can no longer change, so the buyer
    /// cannot turn the seller's right code into a failed attempt.
    /// @dev The code must carry at least 128 bits (16 random bytes): its hash is public, so a short code is found by
    /// hashing every candidate off chain, and the on-chain attempt limit would not protect it. The declared length
    /// is checked again on submission, so a committed hash cannot stand for a shorter code.
    /// @param orderId The order.
    /// @param codeHash keccak256 of the code.
    /// @param codeLength The code's length in bytes, at least 16.
    function commitCode(uint256 orderId, bytes32 codeHash, uint8 codeLength) external;

    /// @notice The seller names or removes a delivery agent, who may submit the buyer's authorizations for any of
    /// the seller's orders (the money still goes to the seller).
    /// @param agent The agent.
    /// @param allowed Whether it may.
    function setDeliveryAgent(address agent, bool allowed) external;

    /// @notice The buyer revokes every signed authorization of an order not yet used, by bumping its nonce.
    /// @param orderId The order.
    function revokeAuthorizations(uint256 orderId) external;

    /// @notice The buyer authorizes delivery directly: the seller is owed the amount and the buyer receives the deed.
    /// @param orderId The order.
    function release(uint256 orderId) external;

    /// @notice The seller or its agent presents the buyer's EIP-712 authorization (an EOA signature with low s, or
    /// an ERC-1271 contract-wallet signature): the seller is owed the amount and the buyer receives the deed.
    /// @param orderId The order.
    /// @param deadline The deadline the buyer signed.
    /// @param signature The buyer's signature over `Release(orderId, seller, amount, deadline, nonce)`.
    function releaseWithSignature(uint256 orderId, uint256 deadline, bytes calldata signature) external;

    /// @notice The seller or its agent presents the buyer's one-time code. A wrong code does not revert: it counts
    /// a failed attempt (so the count survives) and the maximum suspends the order.
    /// @param orderId The order.
    /// @param code The code.
    /// @return released Whether the code was right and the order released.
    function releaseWithCode(uint256 orderId, bytes calldata code) external returns (bool released);

    // ---------------------------------------------------------------- shipping and time-outs

    /// @notice The seller marks the order shipped before the ship-by time; the confirmation window starts.
    /// @param orderId The order.
    /// @param trackingHash Hash of the tracking reference.
    function markShipped(uint256 orderId, bytes32 trackingHash) external;

    /// @notice Anyone releases a shipped order whose confirmation window ended without release or dispute. A deposit
    /// order whose balance is still unpaid ends with the deposit forfeited to the seller (`DepositForfeited`).
    /// @param orderId The order.
    function releaseUnchallenged(uint256 orderId) external;

    /// @notice Anyone refunds the buyer what it paid when the seller did not ship by the ship-by time; the deed
    /// returns to the seller. Permissionless, so that every unshipped order ends.
    /// @param orderId The order.
    function refundUnshipped(uint256 orderId) external;

    /// @notice Anyone refunds a suspended order to the buyer once its suspension period is over.
    /// @param orderId The order.
    function refundSuspended(uint256 orderId) external;

    /// @notice The winner of a settlement order takes P in cash instead of the asset (the platform buys it back at
    /// the seller's price): the winner is owed P, the deed returns to the seller, who is not paid for this order.
    /// Refused once the seller marked the order shipped.
    /// @param orderId The order.
    function takeCash(uint256 orderId) external;

    // ---------------------------------------------------------------- disputes and cancellations

    /// @notice The buyer or the seller opens a dispute on an open order; it is then settled by two agreeing votes,
    /// or by its default outcome after DISPUTE_TIMEOUT. Refused after the confirmation window (shipped) or the ship-by
    /// time (unshipped), and while no arbiter is set.
    /// @param orderId The order.
    function openDispute(uint256 orderId) external;

    /// @notice Anyone ends a dispute that was not settled within DISPUTE_TIMEOUT by its default outcome, which is what
    /// the order's own clock would have done without the dispute: an order disputed before shipment is refunded
    /// (nobody charged), a suspended one is refunded (seller charged, as `refundSuspended`), a shipped one is released
    /// (with its deposit forfeited if the balance is unpaid).
    /// @param orderId The order.
    function settleExpiredDispute(uint256 orderId) external;

    /// @notice The buyer, the seller or the arbiter votes on a disputed order; two equal votes settle it. Release
    /// pays the seller (after any balance is paid), Refund pays the buyer back, Split gives the seller `sellerBps`
    /// of what was paid (rounded down) and the buyer the rest; the deed goes to the buyer on Release and Split.
    /// @param orderId The order.
    /// @param outcome The outcome.
    /// @param sellerBps The seller's share for Split (0 … 10,000); ignored otherwise.
    function vote(uint256 orderId, Outcome outcome, uint16 sellerBps) external;

    /// @notice The buyer or the seller proposes cancelling an open order, or agrees to the other's proposal with the
    /// same attribution and reason; on agreement the buyer is refunded what it paid and the deed returns.
    /// @param orderId The order.
    /// @param responsible The party the cancellation is attributed to.
    /// @param reason The reason code, 16 or above.
    function agreeToCancel(uint256 orderId, IMembershipHooks.Party responsible, uint8 reason) external;

    /// @notice Cancels an open order by policy and refunds it by a tier's refund mode (holders of the marketplace's
    /// POLICY_ROLE: the membership contract, after its own rules): what was paid goes to the buyer's balance, to its
    /// bid token as credit (the escrow approves the bid token and calls `topUp`), or to its balance minus a fee paid
    /// to the revenue vault (`collectFee`); the deed returns to the seller.
    /// @param orderId The order.
    /// @param responsible The party the cancellation is attributed to.
    /// @param reason The reason code, 16 or above.
    /// @param refund How the buyer is refunded (mode Wallet: in full to its balance, as every other refund).
    function cancelByPolicy(
        uint256 orderId,
        IMembershipHooks.Party responsible,
        uint8 reason,
        Refund calldata refund
    ) external;

    // ---------------------------------------------------------------- money out

    /// @notice Withdraws the caller's balance to `to`.
    /// @param to Where to send it.
    /// @return amount Payment-token units sent.
    function withdraw(address to) external returns (uint256 amount);

    /// @notice Anyone sends the platform fees held to the revenue vault (`collectFee`).
    /// @return amount Units sent.
    function sweepFees() external returns (uint256 amount);

    /// @notice Anyone replays a membership report that failed (ran out of its gas cap or reverted), with all the gas
    /// the caller gives it: nothing a report carries is lost. Reverts, keeping the record, if it fails again.
    /// @param orderId The order the report is about.
    /// @param report The report's calldata, as emitted by `MembershipReportFailed`.
    function replayReport(uint256 orderId, bytes calldata report) external;

    // ---------------------------------------------------------------- configuration

    /// @notice Sets the ship window for new buyer assignments. Marketplace operator only.
    /// @param window Seconds, between 1 day and 180 days.
    function setShipWindow(uint256 window) external;

    /// @notice Sets the confirmation window for orders shipped from now on. Marketplace operator only.
    /// @param window Seconds, between 1 day and 60 days.
    function setConfirmWindow(uint256 window) external;

    /// @notice Sets the one-time code policy. Marketplace admin only.
    /// @param maxAttempts Wrong codes that suspend an order, 1 … 20.
    /// @param suspensionPeriod Seconds from suspension to the refund, between 1 day and 90 days.
    function setCodePolicy(uint8 maxAttempts, uint256 suspensionPeriod) external;

    /// @notice Sets the arbiter, the third voter of every dispute (a Safe multisig in production). Marketplace admin
    /// only.
    /// @param arbiter The arbiter.
    function setArbiter(address arbiter) external;

    /// @notice Sets the platform fee of direct orders opened from now on. Marketplace admin only.
    /// @param feeBps The fee, at most 1,000 bps.
    function setDirectFee(uint256 feeBps) external;

    /// @notice Wires the membership contract that receives reports. Called once, by the marketplace's `setModules`,
    /// so that the escrow and every listing report to the same membership.
    /// @param membership The membership contract (zero: none).
    function bindMembership(address membership) external;

    // ---------------------------------------------------------------- views

    /// @notice The EIP-712 digest the buyer signs to authorize delivery.
    /// @param orderId The order.
    /// @param deadline The authorization's deadline.
    /// @return The digest of `Release(orderId, seller, amount, deadline, nonce)` with the order's current terms.
    function authorizationDigest(uint256 orderId, uint256 deadline) external view returns (bytes32);

    /// @notice The settlement order a listing opened (0 if none).
    /// @param listing The listing.
    /// @return The order id.
    function orderOfListing(address listing) external view returns (uint256);

    /// @notice One order.
    /// @param orderId The order.
    /// @return The order.
    function order(uint256 orderId) external view returns (Order memory);

    /// @notice The votes of a disputed order.
    /// @param orderId The order.
    /// @return buyer The buyer's vote.
    /// @return seller The seller's vote.
    /// @return arbiter The arbiter's vote.
    function votes(
        uint256 orderId
    ) external view returns (Ballot memory buyer, Ballot memory seller, Ballot memory arbiter);

    /// @notice Whether `agent` may submit authorizations for `seller`'s orders.
    /// @param seller The seller.
    /// @param agent The agent.
    /// @return Whether it may.
    function isDeliveryAgent(address seller, address agent) external view returns (bool);

    /// @notice What `account` can withdraw.
    /// @param account The account.
    /// @return Payment-token units.
    function owedTo(address account) external view returns (uint256);

    /// @notice The escrow's books: units paid into open orders plus balances owed.
    /// @return Payment-token units.
    function totalHeld() external view returns (uint256);

    /// @notice Seconds from buyer assignment to the ship-by time.
    /// @return The window.
    function shipWindow() external view returns (uint256);

    /// @notice Seconds from shipping to the unchallenged release.
    /// @return The window.
    function confirmWindow() external view returns (uint256);

    /// @notice The one-time code policy.
    /// @return maxAttempts Wrong codes that suspend an order.
    /// @return suspensionPeriod Seconds from suspension to the refund.
    function codePolicy() external view returns (uint8 maxAttempts, uint256 suspensionPeriod);

    /// @notice The arbiter.
    /// @return The arbiter.
    function arbiter() external view returns (address);

    /// @notice The EIP-712 digest a seller signs to make `offer`, under its current counter.
    /// @param offer The offer.
    /// @return The digest.
    function offerDigest(Offer calldata offer) external view returns (bytes32);

    /// @notice A seller's offer counter (offers signed under an older counter are void).
    /// @param seller The seller.
    /// @return The counter.
    function offerCounter(address seller) external view returns (uint256);

    /// @notice Whether a seller's offer nonce was used or cancelled.
    /// @param seller The seller.
    /// @param nonce The nonce.
    /// @return Whether it was.
    function offerNonceUsed(address seller, uint256 nonce) external view returns (bool);

    /// @notice Whether a failed membership report awaits replay.
    /// @param reportHash keccak256 of the report's calldata.
    /// @return Whether it does.
    function isFailedReport(bytes32 reportHash) external view returns (bool);

    /// @notice The platform fee of direct orders opened now.
    /// @return The fee in bps.
    function directFeeBps() external view returns (uint256);

    /// @notice Platform fees held for the revenue vault.
    /// @return Payment-token units.
    function feesHeld() external view returns (uint256);

    /// @notice The membership contract (zero: none).
    /// @return The membership contract.
    function membership() external view returns (address);

    /// @notice Number of orders opened.
    /// @return The count.
    function orderCount() external view returns (uint256);

    /// @notice The marketplace this escrow serves.
    /// @return The marketplace.
    function marketplace() external view returns (address);
}
