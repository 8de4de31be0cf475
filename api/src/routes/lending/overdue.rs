//! The job that flags overdue loans: every active loan whose window has
//! ended becomes `overdue`, with a timeline entry, an audit record and an
//! alert, moved by Warren itself.

use actix_web::web;
use warren_domain::lending::{LendingParty, ReservationStatus, check_transition};
use warren_store::audit::{self, Actor, Change};
use warren_store::lending::{self as store, LoanChange};
use warren_store::{StoreError, now};

use crate::alerts::triggers::ChangedBy;
use crate::error::ApiError;
use crate::events::Raised;
use crate::state::AppState;

/// Starts the overdue-loans job.
pub fn start_jobs(state: web::Data<AppState>) {
    crate::jobs::every_interval(state, "overdue loans", flag_overdue);
}

/// One round: every active loan whose window has ended becomes `overdue`,
/// with a timeline entry and an audit record. Each move is a conditional
/// update, so replicas running the round at once flag each loan once.
/// Returns how many this replica flagged.
pub fn flag_overdue(state: &AppState) -> Result<usize, ApiError> {
    let due = state
        .store
        .read(|connection| store::past_due(connection, now(), 100))?;
    let mut flagged = 0;
    for row in due {
        let mut raised = Raised::default();
        let moved = state.store.write(|connection| {
            let current = store::reservation_row(connection, &row.id)?;
            if current.status()? != ReservationStatus::Active || current.ends_at > now() {
                return Ok::<_, ApiError>(false);
            }
            check_transition(
                ReservationStatus::Active,
                ReservationStatus::Overdue,
                LendingParty::Warren,
            )?;
            let note = format!(
                "The loan was due back at {} UTC and has not been returned.",
                current.ends_at.format("%Y-%m-%d %H:%M")
            );
            match store::change(
                connection,
                &current,
                None,
                &LoanChange {
                    to: Some(ReservationStatus::Overdue),
                    actor: "Warren",
                    kind: "overdue",
                    note: Some(&note),
                    ..LoanChange::default()
                },
            ) {
                Ok(()) => {}
                Err(StoreError::Stale) => return Ok(false),
                Err(error) => return Err(error.into()),
            }
            audit::record(
                connection,
                &Actor::system("Warren"),
                Change {
                    action: "loan.overdue",
                    target_type: "loan",
                    target_id: &current.id,
                    organization_id: Some(&current.owner_org_id),
                    details: serde_json::json!({ "borrower_org_id": current.borrower_org_id }),
                },
            )?;
            let after = store::reservation_row(connection, &current.id)?;
            let item = store::item_row(connection, &after.item_id)?.name;
            let warren = ChangedBy {
                user_id: None,
                name: "Warren",
            };
            state
                .alerting
                .loan_step(connection, &mut raised, &after, "overdue", &item, warren)?;
            Ok(true)
        })?;
        state.events.publish(std::mem::take(&mut raised.0));
        if moved {
            flagged += 1;
        }
    }
    Ok(flagged)
}
