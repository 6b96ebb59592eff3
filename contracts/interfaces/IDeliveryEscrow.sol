// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

/// @title IDeliveryEscrow
/// @notice Holds the seller's price and the deed of every settled listing until the winner authorizes delivery
/// (SPEC §4.5, first part: settlement orders, release by the buyer, refund when not shipped in time).
interface IDeliveryEscrow {
    /// @notice Order states.
    enum OrderStatus {
        None,
        AwaitingDraw,
        AwaitingShipment,
        Shipped,
        Released,
        Refunded,
        Voided
    }

    /// @notice One order.
    /// @param buyer The winner (zero while the draw is pending).
    /// @param status The state.
    /// @param shipBy Deadline for the seller to mark the order shipped; while awaiting the draw, the ship window
    /// in seconds snapshotted at opening.
    /// @param seller Who is paid on release.
    /// @param amount Payment-token units held (P for a settlement order).
    /// @param listing The listing that opened the order.
    /// @param deedId The deed held for the buyer.
    /// @param trackingHash Hash of the shipment's tracking reference (zero until shipped).
    struct Order {
        address buyer;
        OrderStatus status;
        uint40 shipBy;
        address seller;
        uint96 amount;
        address listing;
        uint256 deedId;
        bytes32 trackingHash;
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
    /// @notice Thrown for a zero buyer, seller or amount, or a zero tracking hash.
    error InvalidOrder();
    /// @notice Thrown for a ship window outside the allowed bounds.
    /// @param window The window given, in seconds.
    error ShipWindowOutOfRange(uint256 window);
    /// @notice Thrown when there is nothing to withdraw.
    /// @param account The account.
    error NothingToWithdraw(address account);
    /// @notice Thrown when withdrawing to the zero address.
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
    /// @notice Emitted when the drawn winner becomes the order's buyer.
    /// @param orderId The order.
    /// @param buyer The winner.
    /// @param shipBy The ship-by time.
    event BuyerAssigned(uint256 indexed orderId, address indexed buyer, uint40 shipBy);
    /// @notice Emitted when an order is voided because its draw failed; P returns to the listing, the deed to
    /// the seller.
    /// @param orderId The order.
    event OrderVoided(uint256 indexed orderId);
    /// @notice Emitted when the seller marks the order shipped.
    /// @param orderId The order.
    /// @param trackingHash Hash of the tracking reference.
    event OrderShipped(uint256 indexed orderId, bytes32 trackingHash);
    /// @notice Emitted when the buyer releases: the seller is owed the amount, the buyer receives the deed.
    /// @param orderId The order.
    /// @param seller The seller credited.
    /// @param amount Payment-token units.
    event OrderReleased(uint256 indexed orderId, address indexed seller, uint256 amount);
    /// @notice Emitted when the buyer takes the amount instead of the asset; the deed returns to the seller.
    /// @param orderId The order.
    /// @param buyer The buyer credited.
    /// @param amount Payment-token units.
    event OrderRefunded(uint256 indexed orderId, address indexed buyer, uint256 amount);
    /// @notice Emitted when an account withdraws what it is owed.
    /// @param account The account.
    /// @param to Where the tokens went.
    /// @param amount Payment-token units.
    event Withdrawn(address indexed account, address indexed to, uint256 amount);
    /// @notice Emitted when the ship window changes.
    /// @param window Seconds from buyer assignment to the ship-by time.
    event ShipWindowSet(uint256 window);

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

    /// @notice The settlement order a listing opened (0 if none).
    /// @param listing The listing.
    /// @return The order id.
    function orderOfListing(address listing) external view returns (uint256);

    /// @notice The seller marks the order shipped before the ship-by time.
    /// @param orderId The order.
    /// @param trackingHash Hash of the tracking reference.
    function markShipped(uint256 orderId, bytes32 trackingHash) external;

    /// @notice The buyer authorizes delivery: the seller is owed the amount and the deed goes to the buyer.
    /// @param orderId The order.
    function release(uint256 orderId) external;

    /// @notice The buyer takes the amount instead, when the seller did not ship by the ship-by time; the deed
    /// returns to the seller.
    /// @param orderId The order.
    function refundUnshipped(uint256 orderId) external;

    /// @notice Withdraws the caller's balance to `to`.
    /// @param to Where to send it.
    /// @return amount Payment-token units sent.
    function withdraw(address to) external returns (uint256 amount);

    /// @notice Sets the ship window for new buyer assignments. Marketplace operator only.
    /// @param window Seconds, between 1 day and 180 days.
    function setShipWindow(uint256 window) external;

    /// @notice One order.
    /// @param orderId The order.
    /// @return The order.
    function order(uint256 orderId) external view returns (Order memory);

    /// @notice What `account` can withdraw.
    /// @param account The account.
    /// @return Payment-token units.
    function owedTo(address account) external view returns (uint256);

    /// @notice The escrow's books: amounts of orders still held plus balances owed.
    /// @return Payment-token units.
    function totalHeld() external view returns (uint256);

    /// @notice Seconds from buyer assignment to the ship-by time.
    /// @return The window.
    function shipWindow() external view returns (uint256);

    /// @notice Number of orders opened.
    /// @return The count.
    function orderCount() external view returns (uint256);

    /// @notice The marketplace this escrow serves.
    /// @return The marketplace.
    function marketplace() external view returns (address);
}
