// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Real USDC reverts with these reason strings; the tooling decodes them, so the mock says exactly the same.
// solhint-disable gas-custom-errors, gas-small-strings, max-states-count

/// @title UsdcLike
/// @notice Test-only logic of a token that behaves like Circle's FiatTokenV2_2 (USDC) wherever Copurchase can tell:
/// used behind `UsdcLikeProxy`, initialized once, 6 decimals, a pauser who stops every transfer, approval and permit, a
/// blacklister who freezes any address (contracts too) as sender, recipient, spender or caller, EIP-2612 permits under
/// the domain ("USD Coin", "2", chain id, proxy) exposed as `DOMAIN_SEPARATOR()` and `version()` but with no ERC-5267
/// `eip712Domain()`, and an allowance that is always written, even when it is unlimited. The blacklist bit lives in the
/// top bit of the balance word, as in FiatTokenV2_2, so checking a party costs no extra storage read once its balance is
/// read. Minting needs a minter with an allowance set by the master minter.
/// @dev Written for this project from FiatTokenV2_2's documented behaviour; not Circle's code. No EIP-3009.
contract UsdcLike {
    bytes32 private constant _PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );
    bytes32 private constant _DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    uint256 private constant _BLACKLIST_BIT = 1 << 255;
    uint256 private constant _BALANCE_MASK = _BLACKLIST_BIT - 1;

    address private _owner;
    // One slot, as in FiatToken: a transfer's pause check and nothing else reads it.
    address private _pauser;
    bool private _paused;
    address private _blacklister;
    address private _masterMinter;
    bool private _initialized;
    string private _name;
    string private _symbol;
    string private _currency;
    uint8 private _decimals;
    uint256 private _totalSupply;
    mapping(address account => uint256 balanceAndBlacklisted) private _balances;
    mapping(address holder => mapping(address spender => uint256)) private _allowed;
    mapping(address minter => bool) private _minters;
    mapping(address minter => uint256) private _minterAllowed;
    mapping(address holder => uint256) private _nonces;

    /// @notice ERC-20 transfer.
    /// @param from Sender.
    /// @param to Recipient.
    /// @param value Units.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice ERC-20 approval.
    /// @param owner Owner.
    /// @param spender Spender.
    /// @param value Allowance.
    event Approval(address indexed owner, address indexed spender, uint256 value);
    /// @notice Emitted when the pauser pauses the token.
    event Pause();
    /// @notice Emitted when the pauser unpauses the token.
    event Unpause();
    /// @notice Emitted when the blacklister freezes an account.
    /// @param account The account.
    event Blacklisted(address indexed account);
    /// @notice Emitted when the blacklister unfreezes an account.
    /// @param account The account.
    event UnBlacklisted(address indexed account);
    /// @notice Emitted when a minter mints.
    /// @param minter The minter.
    /// @param to Recipient.
    /// @param amount Units.
    event Mint(address indexed minter, address indexed to, uint256 amount);
    /// @notice Emitted when the master minter sets a minter's allowance.
    /// @param minter The minter.
    /// @param allowance Units it may still mint.
    event MinterConfigured(address indexed minter, uint256 allowance);

    modifier whenNotPaused() {
        require(!_paused, "Pausable: paused");
        _;
    }

    modifier notBlacklisted(address account) {
        require(!_isBlacklisted(account), "Blacklistable: account is blacklisted");
        _;
    }

    modifier only(address role, string memory what) {
        require(msg.sender == role, what);
        _;
    }

    constructor() {
        // The logic contract itself can never be initialized: only proxies use it.
        _initialized = true;
    }

    /// @notice Sets the token up, once, through the proxy.
    /// @param name_ "USD Coin".
    /// @param symbol_ "USDC".
    /// @param currency_ "USD".
    /// @param decimals_ 6.
    /// @param masterMinter_ Configures minters.
    /// @param pauser_ Pauses and unpauses.
    /// @param blacklister_ Freezes and unfreezes accounts.
    /// @param owner_ Appoints the other roles.
    function initialize(
        string calldata name_,
        string calldata symbol_,
        string calldata currency_,
        uint8 decimals_,
        address masterMinter_,
        address pauser_,
        address blacklister_,
        address owner_
    ) external {
        require(!_initialized, "FiatToken: contract is already initialized");
        require(
            masterMinter_ != address(0) && pauser_ != address(0) && blacklister_ != address(0) && owner_ != address(0),
            "FiatToken: a role is the zero address"
        );
        (_name, _symbol, _currency, _decimals) = (name_, symbol_, currency_, decimals_);
        (_masterMinter, _pauser, _blacklister, _owner) = (masterMinter_, pauser_, blacklister_, owner_);
        _initialized = true;
    }

    // ---------------------------------------------------------------- ERC-20

    /// @notice Moves `value` from the caller to `to`.
    /// @param to Recipient.
    /// @param value Units.
    /// @return Always true (reverts otherwise).
    function transfer(
        address to,
        uint256 value
    ) external whenNotPaused notBlacklisted(msg.sender) notBlacklisted(to) returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    /// @notice Moves `value` from `from` to `to` against the caller's allowance, which is always decreased.
    /// @param from Owner.
    /// @param to Recipient.
    /// @param value Units.
    /// @return Always true (reverts otherwise).
    function transferFrom(
        address from,
        address to,
        uint256 value
    ) external whenNotPaused notBlacklisted(msg.sender) notBlacklisted(from) notBlacklisted(to) returns (bool) {
        uint256 allowed = _allowed[from][msg.sender];
        require(value <= allowed, "ERC20: transfer amount exceeds allowance");
        _transfer(from, to, value);
        // No "unlimited" shortcut: FiatToken writes the allowance back every time.
        _allowed[from][msg.sender] = allowed - value;
        return true;
    }

    /// @notice Sets the caller's allowance for `spender`.
    /// @param spender Spender.
    /// @param value Allowance.
    /// @return Always true.
    function approve(
        address spender,
        uint256 value
    ) external whenNotPaused notBlacklisted(msg.sender) notBlacklisted(spender) returns (bool) {
        _approve(msg.sender, spender, value);
        return true;
    }

    /// @notice EIP-2612: sets `holder`'s allowance for `spender` from the holder's signature.
    /// @param holder Owner (signer).
    /// @param spender Spender.
    /// @param value Allowance.
    /// @param deadline Last valid second (type(uint256).max: never expires).
    /// @param v Signature v.
    /// @param r Signature r.
    /// @param s Signature s.
    function permit(
        address holder,
        address spender,
        uint256 value,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external whenNotPaused notBlacklisted(holder) notBlacklisted(spender) {
        require(deadline == type(uint256).max || deadline >= block.timestamp, "FiatTokenV2: permit is expired");
        bytes32 structHash = keccak256(
            abi.encode(_PERMIT_TYPEHASH, holder, spender, value, _nonces[holder]++, deadline)
        );
        _checkSignature(holder, keccak256(abi.encodePacked("\x19\x01", _domainSeparator(), structHash)), v, r, s);
        _approve(holder, spender, value);
    }

    // ---------------------------------------------------------------- issuer controls

    /// @notice Mints to `to` out of the caller's minter allowance.
    /// @param to Recipient.
    /// @param amount Units.
    /// @return Always true.
    function mint(
        address to,
        uint256 amount
    ) external whenNotPaused notBlacklisted(msg.sender) notBlacklisted(to) returns (bool) {
        require(_minters[msg.sender], "FiatToken: caller is not a minter");
        require(to != address(0), "FiatToken: mint to the zero address");
        require(amount > 0, "FiatToken: mint amount not greater than 0");
        uint256 mintable = _minterAllowed[msg.sender];
        require(amount <= mintable, "FiatToken: mint amount exceeds minterAllowance");
        _totalSupply += amount;
        uint256 balance = (_balances[to] & _BALANCE_MASK) + amount;
        require(balance <= _BALANCE_MASK, "FiatToken: balance exceeds (2^255 - 1)");
        _balances[to] = balance;
        _minterAllowed[msg.sender] = mintable - amount;
        emit Mint(msg.sender, to, amount);
        emit Transfer(address(0), to, amount);
        return true;
    }

    /// @notice The master minter lets `minter` mint up to `minterAllowance`.
    /// @param minter The minter.
    /// @param minterAllowance Units.
    /// @return Always true.
    function configureMinter(
        address minter,
        uint256 minterAllowance
    ) external whenNotPaused only(_masterMinter, "FiatToken: caller is not the masterMinter") returns (bool) {
        _minters[minter] = true;
        _minterAllowed[minter] = minterAllowance;
        emit MinterConfigured(minter, minterAllowance);
        return true;
    }

    /// @notice Stops every transfer, approval, permit and mint.
    function pause() external only(_pauser, "Pausable: caller is not the pauser") {
        _paused = true;
        emit Pause();
    }

    /// @notice Lets transfers run again.
    function unpause() external only(_pauser, "Pausable: caller is not the pauser") {
        _paused = false;
        emit Unpause();
    }

    /// @notice Freezes `account`: it can neither send, receive, approve, be approved, nor call transferFrom.
    /// @param account Any address, contracts included.
    function blacklist(address account) external only(_blacklister, "Blacklistable: caller is not the blacklister") {
        _balances[account] |= _BLACKLIST_BIT;
        emit Blacklisted(account);
    }

    /// @notice Unfreezes `account`.
    /// @param account The account.
    function unBlacklist(address account) external only(_blacklister, "Blacklistable: caller is not the blacklister") {
        _balances[account] &= _BALANCE_MASK;
        emit UnBlacklisted(account);
    }

    // ---------------------------------------------------------------- views

    /// @notice ERC-20 balance (without the blacklist bit).
    /// @param account The account.
    /// @return Units.
    function balanceOf(address account) external view returns (uint256) {
        return _balances[account] & _BALANCE_MASK;
    }

    /// @notice ERC-20 allowance.
    /// @param holder Owner.
    /// @param spender Spender.
    /// @return Units.
    function allowance(address holder, address spender) external view returns (uint256) {
        return _allowed[holder][spender];
    }

    /// @notice ERC-20 supply.
    /// @return Units.
    function totalSupply() external view returns (uint256) {
        return _totalSupply;
    }

    /// @notice "USD Coin".
    /// @return The name.
    function name() external view returns (string memory) {
        return _name;
    }

    /// @notice "USDC".
    /// @return The symbol.
    function symbol() external view returns (string memory) {
        return _symbol;
    }

    /// @notice "USD".
    /// @return The currency.
    function currency() external view returns (string memory) {
        return _currency;
    }

    /// @notice 6.
    /// @return The decimals.
    function decimals() external view returns (uint8) {
        return _decimals;
    }

    /// @notice The EIP-712 domain version, "2" as in FiatTokenV2.
    /// @return The version.
    function version() external pure returns (string memory) {
        return "2";
    }

    /// @notice The EIP-712 domain separator, computed for the current chain as FiatTokenV2_2 does.
    /// @return The separator.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparator();
    }

    /// @notice EIP-2612 nonce of `holder`.
    /// @param holder The holder.
    /// @return The nonce the next permit must carry.
    function nonces(address holder) external view returns (uint256) {
        return _nonces[holder];
    }

    /// @notice Whether `account` is frozen.
    /// @param account The account.
    /// @return True when blacklisted.
    function isBlacklisted(address account) external view returns (bool) {
        return _isBlacklisted(account);
    }

    /// @notice Whether the token is paused.
    /// @return True when paused.
    function paused() external view returns (bool) {
        return _paused;
    }

    /// @notice The pauser.
    /// @return The pauser.
    function pauser() external view returns (address) {
        return _pauser;
    }

    /// @notice The blacklister.
    /// @return The blacklister.
    function blacklister() external view returns (address) {
        return _blacklister;
    }

    /// @notice The owner (appoints roles).
    /// @return The owner.
    function owner() external view returns (address) {
        return _owner;
    }

    /// @notice The master minter.
    /// @return The master minter.
    function masterMinter() external view returns (address) {
        return _masterMinter;
    }

    // ---------------------------------------------------------------- internals

    function _transfer(address from, address to, uint256 value) private {
        require(from != address(0), "ERC20: transfer from the zero address");
        require(to != address(0), "ERC20: transfer to the zero address");
        uint256 fromBalance = _balances[from] & _BALANCE_MASK;
        require(value <= fromBalance, "ERC20: transfer amount exceeds balance");
        // Neither party is blacklisted here (the modifiers checked), so the top bits are clear.
        _balances[from] = fromBalance - value;
        _balances[to] = (_balances[to] & _BALANCE_MASK) + value;
        emit Transfer(from, to, value);
    }

    function _approve(address holder, address spender, uint256 value) private {
        require(holder != address(0), "ERC20: approve from the zero address");
        require(spender != address(0), "ERC20: approve to the zero address");
        _allowed[holder][spender] = value;
        emit Approval(holder, spender, value);
    }

    function _checkSignature(address holder, bytes32 digest, uint8 v, bytes32 r, bytes32 s) private pure {
        address signer = ecrecover(digest, v, r, s);
        require(signer != address(0) && signer == holder, "EIP2612: invalid signature");
    }

    function _isBlacklisted(address account) private view returns (bool) {
        return _balances[account] & _BLACKLIST_BIT != 0;
    }

    function _domainSeparator() private view returns (bytes32) {
        return
            keccak256(
                abi.encode(_DOMAIN_TYPEHASH, keccak256(bytes(_name)), keccak256("2"), block.chainid, address(this))
            );
    }
}
