//! Which side of a loan, or of a request for supplies, a caller is on.
//!
//! Both have two organizations: the owner (the item's, or the offer's) and
//! the borrower (who asked). A caller who belongs to one of them acts for
//! it; one who belongs to both takes the side the move belongs to; a network
//! admin of neither side is the coordinator; anyone else is a stranger, to
//! whom the loan or request does not exist.

use super::LendingParty;

/// Which side a caller takes when it belongs to both organizations: the
/// owner for the owner's moves, the borrower for the borrower's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    /// Approve, decline, return; every move on a request for supplies.
    Owner,
    /// Cancel, checkout, reading a loan.
    Borrower,
}

/// The side of a caller who is (or is not) a member of the owning and of the
/// borrowing organization, or a network admin; `None` for a stranger.
pub fn party(
    owner_member: bool,
    borrower_member: bool,
    network_admin: bool,
    prefer: Prefer,
) -> Option<LendingParty> {
    let owner = owner_member.then_some(LendingParty::Owner);
    let borrower = borrower_member.then_some(LendingParty::Borrower);
    let side = match prefer {
        Prefer::Owner => owner.or(borrower),
        Prefer::Borrower => borrower.or(owner),
    };
    side.or(network_admin.then_some(LendingParty::Coordinator))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_of_one_side_acts_for_it() {
        assert_eq!(
            party(true, false, false, Prefer::Borrower),
            Some(LendingParty::Owner)
        );
        assert_eq!(
            party(false, true, true, Prefer::Owner),
            Some(LendingParty::Borrower)
        );
    }

    #[test]
    fn a_member_of_both_sides_takes_the_side_the_move_belongs_to() {
        assert_eq!(
            party(true, true, false, Prefer::Owner),
            Some(LendingParty::Owner)
        );
        assert_eq!(
            party(true, true, false, Prefer::Borrower),
            Some(LendingParty::Borrower)
        );
    }

    #[test]
    fn a_network_admin_of_neither_side_is_the_coordinator() {
        assert_eq!(
            party(false, false, true, Prefer::Owner),
            Some(LendingParty::Coordinator)
        );
    }

    #[test]
    fn a_stranger_has_no_side() {
        assert_eq!(party(false, false, false, Prefer::Owner), None);
    }
}
