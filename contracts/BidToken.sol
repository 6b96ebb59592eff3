// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ExactTransfer} from "./libraries/ExactTransfer.sol";
import {SoladySlots} from "./libraries/SoladySlots.sol";
import {ERC721} from "solady/src/tokens/ERC721.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";
import {Base64} from "@openzeppelin/contracts/utils/Base64.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {IBidToken} from "./interfaces/IBidToken.sol";
import {IListing} from "./interfaces/IListing.sol";

/// @title BidToken
/// @notice Numbered bid tokens, ids 1 … 7,777,777, that stakes are recorded against and that carry prepaid credit.
/// Stakes move with the token; tokens are never burned: idle ones are recycled to this contract (the treasury)
/// and issued again.
/// @dev Built on Solady's ERC721 because its ownership slot has 96 spare bits: a token's open positions and a
/// has-credit flag live there, so a purchase learns everything about the token from the one cold read that the
/// ownership check already pays for. Layout of those 96 bits: four 23-bit lanes holding the enrolment numbers of
/// the listings the token has a position in (0 = empty lane), then the has-credit bit.
/// Credit spent on stakes stays here, booked to the listing, until the listing collects it when it leaves the
/// Open state, which saves every credit purchase a token transfer. So this contract's payment-token balance is
/// always the sum of all tokens' credit plus the credit pending for listings.
contract BidToken is IBidToken, ERC721, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using BitMaps for BitMaps.BitMap;
    using Strings for uint256;

    /// @notice The highest id that can ever exist. Fits the 23-bit token-id lanes of the purchase log and the 24-bit
    /// ones of the treasury stack (tested).
    uint256 public constant MAX_SUPPLY = 7_777_777;
    /// @notice The most listings a token can hold an open position in at once. A buyer needing more uses another
    /// token; positions in settled listings are pruned automatically when a fifth is needed.
    uint256 public constant MAX_OPEN_POSITIONS = 4;
    /// @notice The marketplace role allowed to release tranches, reserve and grant vanity ids.
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");

    uint256 private constant _LANE_BITS = 23;
    uint256 private constant _LANE_MASK = (1 << _LANE_BITS) - 1;
    uint256 private constant _HAS_CREDIT = 1 << (MAX_OPEN_POSITIONS * _LANE_BITS);

    /// @dev Packed: a purchase reads all of it in one slot, the marketplace's pause mirrored here included.
    struct Gate {
        uint32 nextId;
        uint32 releasedUpTo;
        uint32 recycledCount;
        bool marketplacePaused;
    }

    /// @dev A listing's enrolment number and the credit its buyers spent that it has not collected.
    struct Enrolment {
        uint32 number;
        uint224 creditPending;
    }

    address private immutable _MARKETPLACE;
    IERC20 private immutable _PAYMENT_TOKEN;

    Gate private _gate;
    uint32 private _listingCount;
    mapping(address listing => Enrolment) private _enrolments;
    mapping(uint256 number => address listing) private _listingByNumber;
    mapping(uint256 tokenId => uint256 amount) private _credit;
    /// @dev The treasury's recycled ids, a stack of 24-bit ids packed ten to a slot.
    SoladySlots.Stack private _recycled;
    BitMaps.BitMap private _reserved;

    modifier onlyMarketplace() {
        if (msg.sender != _MARKETPLACE) revert OnlyMarketplace(msg.sender);
        _;
    }

    modifier onlyOperator() {
        if (!IAccessControl(_MARKETPLACE).hasRole(OPERATOR_ROLE, msg.sender)) revert NotOperator(msg.sender);
        _;
    }

    /// @param marketplace_ The marketplace that enrols listings, pauses sales and holds the operator role.
    /// @param paymentToken_ The ERC-20 credit is held in (the marketplace's payment token).
    /// @param firstTranche The initial `releasedUpTo` (0 releases nothing).
    /// @param vanityIds Ids reserved from the start (e.g. 333 and 7,777,777).
    constructor(address marketplace_, address paymentToken_, uint256 firstTranche, uint256[] memory vanityIds) {
        _MARKETPLACE = marketplace_;
        _PAYMENT_TOKEN = IERC20(paymentToken_);
        _gate = Gate({nextId: 1, releasedUpTo: 0, recycledCount: 0, marketplacePaused: false});
        for (uint256 i = 0; i < vanityIds.length; ++i) _reserve(vanityIds[i], 1);
        if (firstTranche != 0) _release(firstTranche);
    }

    // ---------------------------------------------------------------- purchases

    /// @inheritdoc IBidToken
    function admit(
        address buyer,
        uint256 tokenId,
        uint256 cost,
        bool newPosition
    ) external returns (uint256 usedTokenId, uint256 fromWallet) {
        if (_gate.marketplacePaused) revert SalesPaused();
        if (tokenId == 0) return (_issue(buyer, _enrolmentNumber(msg.sender)), cost);

        (address owner, uint256 extra) = SoladySlots.ownership(tokenId);
        if (owner != buyer && (owner == address(0) || !_isApprovedOrOwner(buyer, tokenId))) {
            revert NotTokenHolder(tokenId, buyer);
        }
        // The common case, a token adding stakes in a listing it is already in without credit, stops here.
        if (!newPosition && extra & _HAS_CREDIT == 0) return (tokenId, cost);

        uint256 number = _enrolmentNumber(msg.sender);
        uint256 updated = newPosition ? _addPosition(tokenId, extra, number) : extra;
        fromWallet = cost;
        if (extra & _HAS_CREDIT != 0) {
            uint256 credit = _credit[tokenId];
            uint256 spent = credit < cost ? credit : cost;
            credit -= spent;
            fromWallet = cost - spent;
            _credit[tokenId] = credit;
            _enrolments[msg.sender].creditPending += uint224(spent);
            if (credit == 0) updated &= ~_HAS_CREDIT;
            emit CreditSpent(tokenId, msg.sender, spent);
        }
        if (updated != extra) _setExtraData(tokenId, uint96(updated));
        return (tokenId, fromWallet);
    }

    /// @inheritdoc IBidToken
    function collectCredit() external nonReentrant returns (uint256 amount) {
        Enrolment storage enrolment = _enrolments[msg.sender];
        if (enrolment.number == 0) revert NotAListing(msg.sender);
        amount = enrolment.creditPending;
        if (amount == 0) return 0;
        enrolment.creditPending = 0;
        emit CreditCollected(msg.sender, amount);
        _PAYMENT_TOKEN.safeTransfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- credit

    /// @inheritdoc IBidToken
    function topUp(uint256 tokenId, uint256 amount) external nonReentrant {
        if (amount == 0) revert ZeroInput();
        address owner = _ownerOf(tokenId);
        // A treasury token is nobody's: credit added to it would go to whoever is issued it next.
        if (owner == address(0) || owner == address(this)) revert TokenNotHeld(tokenId);
        uint256 credit = _credit[tokenId] + amount;
        _credit[tokenId] = credit;
        uint256 extra = _getExtraData(tokenId);
        if (extra & _HAS_CREDIT == 0) _setExtraData(tokenId, uint96(extra | _HAS_CREDIT));
        emit CreditAdded(tokenId, msg.sender, amount, credit);

        ExactTransfer.pullExact(_PAYMENT_TOKEN, msg.sender, amount);
    }

    // ---------------------------------------------------------------- recycling

    /// @inheritdoc IBidToken
    function recycle(uint256[] calldata ids) external returns (uint256 recycled) {
        Gate memory gate = _gate;
        uint256 count = gate.recycledCount;
        // The stack slot being filled is buffered in memory and written once per slot.
        uint256 slot = count / SoladySlots.IDS_PER_SLOT;
        uint256 lanes = _recycled.slots[slot];
        for (uint256 i = 0; i < ids.length; ++i) {
            uint256 tokenId = ids[i];
            SkipReason reason = _skipReason(tokenId);
            if (reason != SkipReason.None) {
                emit RecycleSkipped(tokenId, reason);
                continue;
            }
            address holder = _ownerOf(tokenId);
            SoladySlots.moveToTreasury(holder, tokenId);
            emit TokenRecycled(tokenId, holder);

            lanes = SoladySlots.put(lanes, count, tokenId);
            ++count;
            ++recycled;
            if (count % SoladySlots.IDS_PER_SLOT == 0) {
                _recycled.slots[slot] = lanes;
                ++slot;
                lanes = _recycled.slots[slot];
            }
        }
        if (recycled == 0) return 0;
        if (count % SoladySlots.IDS_PER_SLOT != 0) _recycled.slots[slot] = lanes;
        gate.recycledCount = uint32(count);
        _gate = gate;
    }

    // ---------------------------------------------------------------- operator

    /// @inheritdoc IBidToken
    function release(uint256 upTo) external onlyOperator {
        _release(upTo);
    }

    /// @inheritdoc IBidToken
    function reserve(uint256[] calldata ids) external onlyOperator {
        uint256 next = _gate.nextId;
        for (uint256 i = 0; i < ids.length; ++i) _reserve(ids[i], next);
    }

    /// @inheritdoc IBidToken
    function grant(uint256 tokenId, address to) external onlyOperator {
        if (to == address(0)) revert ZeroInput();
        if (to == address(this)) revert TreasuryOnlyByRecycling();
        // The reservation stays set forever, so that the normal flow keeps skipping the granted id.
        if (!_reserved.get(tokenId) || _ownerOf(tokenId) != address(0)) revert NotGrantable(tokenId);
        emit VanityGranted(tokenId, to);
        _mint(to, tokenId);
    }

    // ---------------------------------------------------------------- marketplace

    /// @inheritdoc IBidToken
    function enrol(address listing) external onlyMarketplace {
        uint256 number = _listingCount + 1;
        if (number > _LANE_MASK) revert TooManyListings();
        _listingCount = uint32(number);
        _enrolments[listing].number = uint32(number);
        _listingByNumber[number] = listing;
        emit ListingEnrolled(listing, number);
    }

    /// @inheritdoc IBidToken
    function mirrorPauseOfMarketplace(bool paused) external onlyMarketplace {
        _gate.marketplacePaused = paused;
        emit MarketplacePauseMirrored(paused);
    }

    // ---------------------------------------------------------------- ERC-721

    /// @notice Transfers a token. Stakes and credit move with it. The treasury receives tokens only by `recycle`.
    /// @param from The owner.
    /// @param to The recipient.
    /// @param id The token.
    function transferFrom(address from, address to, uint256 id) public payable override {
        if (to == address(this)) revert TreasuryOnlyByRecycling();
        super.transferFrom(from, to, id);
    }

    /// @notice Tokens held by `owner`; for the treasury, the recycled tokens waiting to be issued again.
    /// @param owner The holder.
    /// @return The count.
    function balanceOf(address owner) public view override returns (uint256) {
        if (owner == address(this)) return _gate.recycledCount;
        return super.balanceOf(owner);
    }

    /// @notice The collection's name.
    /// @return The name.
    function name() public pure override returns (string memory) {
        return "Copurchase Bid Token";
    }

    /// @notice The collection's symbol.
    /// @return The symbol.
    function symbol() public pure override returns (string memory) {
        return "CPBID";
    }

    /// @notice On-chain JSON metadata: the number, its credit and its open positions.
    /// @param id The token.
    /// @return A data URI.
    function tokenURI(uint256 id) public view override returns (string memory) {
        if (_ownerOf(id) == address(0)) revert TokenDoesNotExist();
        // Credit is in raw payment-token units: the token's decimals are not known on chain.
        // solhint-disable quotes
        string memory json = string.concat(
            '{"name":"Copurchase Bid Token #',
            id.toString(),
            '","description":"Stakes in Copurchase listings are recorded against this token. ',
            'Credit is spendable on stakes only.","attributes":[{"trait_type":"Number",',
            '"display_type":"number","value":',
            id.toString(),
            '},{"trait_type":"Credit","value":',
            _credit[id].toString(),
            '},{"trait_type":"Open positions","value":',
            _openPositions(id).length.toString(),
            "}]}"
        );
        // solhint-enable quotes
        return string.concat("data:application/json;base64,", Base64.encode(bytes(json)));
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IBidToken
    function holderFor(uint256 tokenId, address spender) external view returns (address owner) {
        owner = _ownerOf(tokenId);
        if (owner == address(0) || !_isApprovedOrOwner(spender, tokenId)) revert NotTokenHolder(tokenId, spender);
    }

    /// @inheritdoc IBidToken
    function creditOf(uint256 tokenId) external view returns (uint256) {
        return _credit[tokenId];
    }

    /// @inheritdoc IBidToken
    function openPositions(uint256 tokenId) external view returns (address[] memory) {
        return _openPositions(tokenId);
    }

    /// @inheritdoc IBidToken
    function recyclable(uint256 tokenId) external view returns (SkipReason) {
        return _skipReason(tokenId);
    }

    /// @inheritdoc IBidToken
    function creditPendingFor(address listing) external view returns (uint256) {
        return _enrolments[listing].creditPending;
    }

    /// @inheritdoc IBidToken
    function marketplacePauseMirror() external view returns (bool) {
        return _gate.marketplacePaused;
    }

    /// @inheritdoc IBidToken
    function nextId() external view returns (uint256) {
        return _gate.nextId;
    }

    /// @inheritdoc IBidToken
    function releasedUpTo() external view returns (uint256) {
        return _gate.releasedUpTo;
    }

    /// @inheritdoc IBidToken
    function recycledCount() external view returns (uint256) {
        return _gate.recycledCount;
    }

    /// @inheritdoc IBidToken
    function isReserved(uint256 tokenId) external view returns (bool) {
        return _reserved.get(tokenId);
    }

    /// @inheritdoc IBidToken
    function isEnrolled(address listing) external view returns (bool) {
        return _enrolments[listing].number != 0;
    }

    /// @inheritdoc IBidToken
    function paymentToken() external view returns (address) {
        return address(_PAYMENT_TOKEN);
    }

    /// @inheritdoc IBidToken
    function marketplace() external view returns (address) {
        return _MARKETPLACE;
    }

    // ---------------------------------------------------------------- internals

    function _release(uint256 upTo) private {
        uint256 current = _gate.releasedUpTo;
        if (upTo <= current) revert ReleaseMustGrow(current, upTo);
        if (upTo > MAX_SUPPLY) revert BeyondMaxSupply(upTo, MAX_SUPPLY);
        _gate.releasedUpTo = uint32(upTo);
        emit TrancheReleased(upTo);
    }

    function _reserve(uint256 id, uint256 next) private {
        if (id > MAX_SUPPLY) revert BeyondMaxSupply(id, MAX_SUPPLY);
        // Ids below nextId were issued (or reserved before they were reached): never reservable again.
        if (id < next || _reserved.get(id)) revert NotReservable(id);
        _reserved.set(id);
        emit IdReserved(id);
    }

    function _enrolmentNumber(address listing) private view returns (uint256 number) {
        number = _enrolments[listing].number;
        if (number == 0) revert NotAListing(listing);
    }

    /// @dev Issues the most recently recycled token, else mints the next released id that is not reserved.
    function _issue(address buyer, uint256 number) private returns (uint256 tokenId) {
        Gate memory gate = _gate;
        if (gate.recycledCount != 0) {
            uint256 top = gate.recycledCount - 1;
            // The popped lane is left in place: pushes overwrite it.
            tokenId = SoladySlots.at(_recycled, top);
            gate.recycledCount = uint32(top);
            _gate = gate;
            SoladySlots.moveFromTreasury(buyer, tokenId, number);
            return tokenId;
        }
        tokenId = gate.nextId;
        // Bounded by the operator's reservations: a run of consecutive vanity ids is skipped in one go.
        while (_reserved.get(tokenId)) ++tokenId;
        if (tokenId > gate.releasedUpTo) revert NoTokenAvailable(gate.releasedUpTo);
        gate.nextId = uint32(tokenId + 1);
        _gate = gate;
        // No receiver callback: the buyer is the caller of the purchase that asked for this token.
        _mintAndSetExtraDataUnchecked(buyer, tokenId, uint96(number));
    }

    /// @dev Puts listing `number` in a free lane, pruning lanes whose positions have closed if none is free. A listing
    /// already in a lane keeps it (a token that cancelled its only purchase there and buys again): one lane per
    /// listing, always.
    function _addPosition(uint256 tokenId, uint256 extra, uint256 number) private view returns (uint256) {
        for (uint256 lane = 0; lane < MAX_OPEN_POSITIONS; ++lane) {
            if ((extra >> (lane * _LANE_BITS)) & _LANE_MASK == number) return extra;
        }
        for (uint256 pass = 0; pass < 2; ++pass) {
            for (uint256 lane = 0; lane < MAX_OPEN_POSITIONS; ++lane) {
                uint256 shift = lane * _LANE_BITS;
                if ((extra >> shift) & _LANE_MASK == 0) return extra | (number << shift);
            }
            extra = _pruneClosed(tokenId, extra);
        }
        revert TooManyOpenPositions(tokenId, MAX_OPEN_POSITIONS);
    }

    /// @dev Clears the lanes of listings where the token no longer has a position (`holdsPosition` false: stakes
    /// settled, cancelled or refunded).
    function _pruneClosed(uint256 tokenId, uint256 extra) private view returns (uint256) {
        for (uint256 lane = 0; lane < MAX_OPEN_POSITIONS; ++lane) {
            uint256 shift = lane * _LANE_BITS;
            uint256 number = (extra >> shift) & _LANE_MASK;
            if (number != 0 && !IListing(_listingByNumber[number]).holdsPosition(tokenId)) {
                extra &= ~(_LANE_MASK << shift);
            }
        }
        return extra;
    }

    /// @dev The listings in the token's lanes where it still has a position (`holdsPosition`).
    function _openPositions(uint256 tokenId) private view returns (address[] memory listings) {
        uint256 extra = _getExtraData(tokenId);
        listings = new address[](MAX_OPEN_POSITIONS);
        uint256 found;
        for (uint256 lane = 0; lane < MAX_OPEN_POSITIONS; ++lane) {
            uint256 number = (extra >> (lane * _LANE_BITS)) & _LANE_MASK;
            if (number == 0) continue;
            address listing = _listingByNumber[number];
            if (IListing(listing).holdsPosition(tokenId)) listings[found++] = listing;
        }
        // Why assembly: shortens the array in place to the positions found (Solidity cannot resize memory arrays).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(listings, found)
        }
    }

    function _skipReason(uint256 tokenId) private view returns (SkipReason) {
        address owner = _ownerOf(tokenId);
        if (owner == address(0)) return SkipReason.NotIssued;
        if (owner == address(this)) return SkipReason.InTreasury;
        uint256 extra = _getExtraData(tokenId);
        if (extra & _HAS_CREDIT != 0) return SkipReason.HasCredit;
        if (_pruneClosed(tokenId, extra) != 0) return SkipReason.OpenPosition;
        // A vanity id entering the treasury would be issued to the next buyer, not granted.
        if (_reserved.get(tokenId)) return SkipReason.Vanity;
        return SkipReason.None;
    }
}
