//! What the dashboard is built from, for one organization or the whole
//! network.
//!
//! Counts are aggregated in SQL (`GROUP BY`, `COUNT`) on both backends; only
//! the referrals sent in the period, one narrow row each, and the loans that
//! overlap it are read row by row, because medians and per-case counting
//! need every timestamp. The `000009_dashboard` migration indexes
//! `referrals (sent_at)` and each side's organization with `sent_at`, so the
//! period is found without a scan. An organization's referrals are those it
//! sent or received; its directory is its sites; its kit is the items it
//! owns and their loans.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::dsl::count_star;
use diesel::prelude::*;
use warren_domain::MembershipStatus;
use warren_domain::dashboard::{ChainTiming, KitCategory, Loan, SentReferral, Snapshot};
use warren_domain::lending::ReservationStatus;
use warren_domain::referral::metrics::Timing;
use warren_domain::referral::{Outcome, ReferralStatus, RejectReason};
use warren_domain::report::ReportedReferral;
use warren_domain::triage::Tier;

use crate::schema::{items, organizations, referrals, reservations, sites};
use crate::{DbConnection, StoreError, StoreResult, parse_id, utc};

fn tier(number: i32) -> StoreResult<Tier> {
    u8::try_from(number)
        .ok()
        .and_then(Tier::from_number)
        .ok_or_else(|| StoreError::Corrupt(format!("tier {number}")))
}

fn open_statuses() -> Vec<&'static str> {
    ReferralStatus::ALL
        .iter()
        .filter(|status| status.is_open())
        .map(|status| status.as_str())
        .collect()
}

/// A referral's columns as [`sent_referrals`] reads them.
type SentRow = (
    String,
    i32,
    String,
    String,
    String,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<String>,
    i32,
    Option<String>,
);

/// The referrals sent in `[from, to)` that `organization_id` sent or
/// received (all of them without one), as the dashboard reads them.
pub fn sent_referrals(
    connection: &mut DbConnection,
    organization_id: Option<&str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> StoreResult<Vec<SentReferral>> {
    let mut query = referrals::table
        .filter(referrals::sent_at.ge(from))
        .filter(referrals::sent_at.lt(to))
        .into_boxed();
    if let Some(organization_id) = organization_id {
        query = query.filter(
            referrals::referrer_org_id
                .eq(organization_id.to_owned())
                .or(referrals::receiver_org_id.eq(organization_id.to_owned())),
        );
    }
    let rows: Vec<SentRow> = query
        .select((
            referrals::case_id,
            referrals::priority,
            referrals::species,
            referrals::status,
            referrals::receiver_site_id,
            referrals::sent_at,
            referrals::received_at,
            referrals::accepted_at,
            referrals::first_vet_at,
            referrals::reject_reason,
            referrals::escalation_level,
            referrals::outcome,
        ))
        .load(connection)?;
    rows.into_iter()
        .filter(|row| row.5.is_some())
        .map(sent_referral)
        .collect()
}

/// One row of [`sent_referrals`], read.
fn sent_referral(
    (
        case,
        priority,
        species,
        status_text,
        site,
        sent,
        received,
        accepted,
        first_vet,
        reason,
        escalation_level,
        outcome,
    ): SentRow,
) -> StoreResult<SentReferral> {
    let sent = sent.ok_or_else(|| StoreError::Corrupt("a sent referral without sent_at".into()))?;
    let status = ReferralStatus::parse(&status_text)
        .ok_or_else(|| StoreError::Corrupt(format!("status {status_text:?}")))?;
    let outcome: Option<Outcome> = outcome
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|error| StoreError::Corrupt(format!("outcome: {error}")))?;
    let tier = tier(priority)?;
    let time = |value: Option<NaiveDateTime>| value.map(utc);
    Ok(SentReferral {
        report: ReportedReferral {
            case_id: parse_id(&case)?,
            tier,
            species,
            sent_at: utc(sent),
            accepted: accepted.is_some(),
            rejected: status == ReferralStatus::Rejected,
            first_vet_at: time(first_vet),
            outcome: outcome.map(|outcome| outcome.kind),
        },
        timing: Timing {
            tier,
            status,
            site_id: parse_id(&site)?,
            sent_at: utc(sent),
            received_at: time(received),
            accepted_at: time(accepted),
            first_vet_at: time(first_vet),
            reject_reason: reason.as_deref().and_then(RejectReason::parse),
            escalation: escalation_level > 0,
        },
    })
}

/// What holds at `now` for `organization_id` (the whole network without
/// one): open referrals, the directory's freshness, the kit, and the loans
/// that overlap `[from, to)`.
pub fn snapshot(
    connection: &mut DbConnection,
    organization_id: Option<&str>,
    from: NaiveDateTime,
    to: NaiveDateTime,
    now: DateTime<Utc>,
) -> StoreResult<Snapshot> {
    let now = now.naive_utc();
    let organization = organization_id.map(str::to_owned);

    // Open referrals per tier, and when the unseen ones were sent.
    let open = || {
        let mut query = referrals::table
            .filter(referrals::sent_at.is_not_null())
            .filter(referrals::status.eq_any(open_statuses()))
            .into_boxed();
        if let Some(organization) = &organization {
            query = query.filter(
                referrals::referrer_org_id
                    .eq(organization.clone())
                    .or(referrals::receiver_org_id.eq(organization.clone())),
            );
        }
        query
    };
    let sent_open = referrals::table
        .filter(referrals::sent_at.is_not_null())
        .filter(referrals::status.eq_any(open_statuses()));
    let counts: Vec<(i32, i64)> = match &organization {
        Some(organization) => sent_open
            .filter(
                referrals::referrer_org_id
                    .eq(organization)
                    .or(referrals::receiver_org_id.eq(organization)),
            )
            .group_by(referrals::priority)
            .select((referrals::priority, count_star()))
            .load(connection)?,
        None => sent_open
            .group_by(referrals::priority)
            .select((referrals::priority, count_star()))
            .load(connection)?,
    };
    let mut open_by_tier = BTreeMap::new();
    for (priority, count) in counts {
        open_by_tier.insert(tier(priority)?, u64::try_from(count).unwrap_or(0));
    }
    let unseen: Vec<(i32, Option<NaiveDateTime>)> = open()
        .filter(referrals::first_vet_at.is_null())
        .select((referrals::priority, referrals::sent_at))
        .load(connection)?;
    let waiting = unseen
        .into_iter()
        .filter_map(|(priority, sent)| {
            let sent = sent?;
            Some(tier(priority).map(|tier| (tier, utc(sent))))
        })
        .collect::<StoreResult<Vec<_>>>()?;

    // The directory: an organization's sites, or every vetted member's.
    let listed = || {
        let mut query = sites::table.inner_join(organizations::table).into_boxed();
        query = match &organization {
            Some(organization) => query.filter(sites::organization_id.eq(organization.clone())),
            None => query.filter(organizations::membership.eq(MembershipStatus::Vetted.as_str())),
        };
        query
    };
    let count = |value: i64| u64::try_from(value).unwrap_or(0);
    let site_count: i64 = listed().count().get_result(connection)?;
    let audits_overdue: i64 = listed()
        .filter(sites::next_audit_due.le(now))
        .count()
        .get_result(connection)?;
    let capacity_expired: i64 = listed()
        .filter(sites::capacity.is_not_null())
        .filter(sites::capacity_expires_at.le(now))
        .count()
        .get_result(connection)?;

    // The kit: items per category, overdue loans per category.
    let retired = warren_domain::lending::ItemStatus::Retired.as_str();
    let kept = items::table.filter(items::status.ne(retired));
    let per_category: Vec<(String, i64)> = match &organization {
        Some(organization) => kept
            .filter(items::owner_org_id.eq(organization))
            .group_by(items::category)
            .select((items::category, count_star()))
            .order(items::category)
            .load(connection)?,
        None => kept
            .group_by(items::category)
            .select((items::category, count_star()))
            .order(items::category)
            .load(connection)?,
    };
    let out = [
        ReservationStatus::Active.as_str(),
        ReservationStatus::Overdue.as_str(),
    ];
    let late = reservations::table
        .inner_join(items::table.on(items::id.eq(reservations::item_id)))
        .filter(reservations::status.eq_any(out))
        .filter(reservations::ends_at.le(now));
    let overdue: BTreeMap<String, i64> = match &organization {
        Some(organization) => late
            .filter(reservations::owner_org_id.eq(organization))
            .group_by(items::category)
            .select((items::category, count_star()))
            .load::<(String, i64)>(connection)?,
        None => late
            .group_by(items::category)
            .select((items::category, count_star()))
            .load::<(String, i64)>(connection)?,
    }
    .into_iter()
    .collect();
    let kit = per_category
        .into_iter()
        .map(|(category, items)| KitCategory {
            overdue_loans: count(overdue.get(&category).copied().unwrap_or(0)),
            category,
            items: count(items),
        })
        .collect();

    // Loans overlapping the period: out before it ends, back after it starts.
    let mut loans_query = reservations::table
        .inner_join(items::table.on(items::id.eq(reservations::item_id)))
        .filter(reservations::checked_out_at.is_not_null())
        .filter(reservations::checked_out_at.lt(to))
        .filter(
            reservations::returned_at
                .is_null()
                .or(reservations::returned_at.ge(from)),
        )
        .into_boxed();
    if let Some(organization) = &organization {
        loans_query = loans_query.filter(reservations::owner_org_id.eq(organization.clone()));
    }
    let loans: Vec<(String, Option<NaiveDateTime>, Option<NaiveDateTime>)> = loans_query
        .select((
            items::category,
            reservations::checked_out_at,
            reservations::returned_at,
        ))
        .load(connection)?;
    let loans = loans
        .into_iter()
        .filter_map(|(category, out, back)| {
            Some(Loan {
                category,
                out: utc(out?),
                back: back.map(utc),
            })
        })
        .collect();

    let chains = crate::alerts::acknowledgement_timings(connection, organization_id, from, to)?
        .into_iter()
        .map(|(tier, seconds, exhausted)| ChainTiming {
            tier,
            acknowledged_after_seconds: seconds,
            exhausted,
        })
        .collect();

    Ok(Snapshot {
        open_by_tier,
        waiting,
        sites: count(site_count),
        audits_overdue: count(audits_overdue),
        capacity_expired: count(capacity_expired),
        kit,
        loans,
        chains,
        care: crate::care::histories(connection, organization_id, from, to)?,
    })
}

/// Whether an organization with this id exists.
pub fn organization_exists(connection: &mut DbConnection, id: &str) -> StoreResult<bool> {
    let found: i64 = organizations::table
        .filter(organizations::id.eq(id))
        .count()
        .get_result(connection)?;
    Ok(found > 0)
}
