//! The alert jobs, run on every replica at once:
//!
//! - **chains**, every `job_interval`: each running chain whose acknowledge
//!   time ran out moves one step, after a claim only one replica wins;
//! - **digests**, every `job_interval`: a person whose digest hour has come
//!   in their timezone gets one e-mail of the alerts waiting for it — the
//!   day's claim on their preferences row makes it once a day, whichever
//!   replica gets there first;
//! - **sweeps**, every twelve intervals (a minute by default): audits
//!   falling due and capacity lapsed (the site's organization's admins),
//!   volunteer skills about to lapse (the volunteer), follow-ups due after
//!   an outcome (the referral's author), transport legs nobody took by the
//!   time they were needed (the referrer's deciders, once per leg) and
//!   on-call rotas with gaps (the admins). Each such alert carries a key
//!   unique per person, so however many replicas sweep, and however often,
//!   each is raised once; a late leg is also claimed on its row first.

use std::time::Duration;

use actix_web::web;
use chrono::{Datelike, NaiveDate, TimeDelta, Utc};
use warren_domain::alerts::{AlertKind, ROTA_HORIZON_DAYS, digest_due, time_mark};
use warren_domain::people::SkillEntry;
use warren_store::alerts as store;
use warren_store::outbox::NewMessage;
use warren_store::referrals as referral_store;
use warren_store::{DbConnection, now, sites};

use super::compose::{self, DigestLine};
use super::{ADMINS, DECIDERS, Draft, place};
use crate::auth::WARREN;
use crate::error::ApiError;
use crate::events::Raised;
use crate::mail::EMAIL;
use crate::state::AppState;

/// How long a claim on a chain holds.
const LEASE: Duration = Duration::from_secs(60);

/// Most chains, digests or sweep findings handled per round.
const BATCH: i64 = 100;

/// How many job intervals pass between two sweeps.
const SWEEP_EVERY: u32 = 12;

/// Audits this close are announced.
const AUDIT_NOTICE_DAYS: i64 = 7;

/// Skills this close to lapsing are announced.
const SKILL_NOTICE_DAYS: i64 = 14;

/// Starts the chain, digest and sweep jobs.
pub fn start(state: web::Data<AppState>) {
    let jobs = state.jobs.clone();
    let mut round: u32 = 0;
    jobs.every(state.config.job_interval, move || {
        let sweep = round.is_multiple_of(SWEEP_EVERY);
        round = round.wrapping_add(1);
        let state = state.clone();
        async move {
            let done = web::block(move || {
                let chains = advance_due_chains(&state);
                let digests = send_digests(&state);
                let swept = if sweep { sweep_once(&state) } else { Ok(0) };
                (chains, digests, swept)
            })
            .await;
            match done {
                Ok((chains, digests, swept)) => {
                    for (what, result) in [("chain", chains), ("digest", digests), ("sweep", swept)]
                    {
                        match result {
                            Ok(0) => {}
                            Ok(count) => tracing::info!(count, what, "alert round"),
                            Err(error) => tracing::warn!(%error, what, "alert round failed"),
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "alert round did not run"),
            }
        }
    });
}

/// Moves every chain whose acknowledge time ran out one step. Returns how
/// many this replica moved.
pub fn advance_due_chains(state: &AppState) -> Result<usize, ApiError> {
    let due = state
        .store
        .read(|connection| store::due_chains(connection, now(), BATCH))?;
    let mut moved = 0;
    for chain in due {
        write_and_publish(state, |connection, raised| {
            if store::claim_chain(connection, &chain, now(), LEASE)? {
                state.alerting.step(connection, raised, &chain)?;
                moved += 1;
            }
            Ok(())
        })?;
    }
    Ok(moved)
}

/// Sends the digests that are due. Returns how many this replica sent.
pub fn send_digests(state: &AppState) -> Result<usize, ApiError> {
    let waiting = state.store.read(store::digest_recipients)?;
    let mut sent = 0;
    for user_id in waiting.into_iter().take(BATCH as usize) {
        write_and_publish(state, |connection, raised| {
            let (preferences, _) = state.alerting.preferences_of(connection, &user_id)?;
            let last = store::find_preferences(connection, &user_id)?
                .and_then(|record| record.last_digest_on);
            let Some(today) = digest_due(
                Utc::now(),
                preferences.timezone,
                preferences.digest_hour,
                last,
            ) else {
                return Ok(());
            };
            if !store::claim_digest(connection, &user_id, today, &preferences)? {
                return Ok(());
            }
            let pending = store::digest_pending(connection, &user_id)?;
            if pending.is_empty() {
                return Ok(());
            }
            let ids: Vec<String> = pending.iter().map(|alert| alert.id.clone()).collect();
            store::mark_digested(connection, &ids)?;
            let person =
                store::people(connection, std::slice::from_ref(&user_id))?.remove(&user_id);
            if let Some(person) = person.filter(|person| person.email_confirmed) {
                let lines: Vec<DigestLine> = pending
                    .iter()
                    .map(|alert| DigestLine {
                        title: alert.title.clone(),
                        body: alert.body.clone(),
                        url: state.alerting.url(&alert.link),
                    })
                    .collect();
                let date = format!(
                    "{} {} {} {}",
                    today.weekday_name(),
                    today.day(),
                    today.month_name(),
                    today.year()
                );
                let composed =
                    compose::digest(&date, &lines, &state.alerting.url("/profile#alerts"));
                state.alerting.queue_mail(
                    connection,
                    raised,
                    &NewMessage {
                        channel: EMAIL,
                        purpose: "digest",
                        alert_id: None,
                        user_id: Some(person.user_id.clone()),
                        address: person.email.clone(),
                        recipient_name: person.name.clone(),
                        subject: composed.subject,
                        body_text: composed.text,
                        body_html: Some(composed.html),
                        unsubscribe_url: None,
                        link: Some("/inbox".to_owned()),
                        secret: false,
                        urgent: false,
                        not_before: now(),
                    },
                )?;
                sent += 1;
            }
            Ok(())
        })?;
    }
    Ok(sent)
}

/// Names of a date the digest uses.
trait DayNames {
    fn weekday_name(&self) -> &'static str;
    fn month_name(&self) -> &'static str;
}

impl DayNames for NaiveDate {
    fn weekday_name(&self) -> &'static str {
        const DAYS: [&str; 7] = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        DAYS[self.weekday().num_days_from_monday() as usize]
    }

    fn month_name(&self) -> &'static str {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        MONTHS[self.month0() as usize]
    }
}

/// One sweep for the housekeeping alerts. Returns how many alerts this
/// replica raised.
pub fn sweep_once(state: &AppState) -> Result<usize, ApiError> {
    let at = now();
    let mut raised_count = 0;
    let alerting = &state.alerting;

    // Audits falling due within a week, or overdue by up to a month.
    let audits = state.store.read(|connection| {
        store::audits_due(
            connection,
            at - TimeDelta::days(30),
            at + TimeDelta::days(AUDIT_NOTICE_DAYS),
            BATCH,
        )
    })?;
    for site in audits {
        let when = if site.at <= at {
            "was due"
        } else {
            "falls due"
        };
        let draft = Draft {
            kind: AlertKind::AuditDue,
            title: format!("{}'s listing is due for its audit", site.name),
            body: format!(
                "The listing of {} {when} for its audit on {}. Check its hours, capacity, species and \
                 capabilities and ask the network coordinators to assure it.",
                site.name,
                site.at.format("%-d %B %Y")
            ),
            link: format!("/sites/{}", site.site_id),
            organization_id: Some(site.organization_id.clone()),
            subject: Some(("site", site.site_id.clone())),
            referral_id: None,
            dedupe_key: Some(format!("audit_due:{}:{}", site.site_id, site.at.date())),
        };
        raised_count += raise_for(state, &site.organization_id, &ADMINS, &draft)?;
    }

    // Capacity declarations that lapsed in the last day.
    let lapsed = state.store.read(|connection| {
        store::capacities_lapsed(connection, at - TimeDelta::days(1), at, BATCH)
    })?;
    for site in lapsed {
        let draft = Draft {
            kind: AlertKind::CapacityLapsed,
            title: format!("{}'s capacity has lapsed", site.name),
            body: format!(
                "The capacity declared for {} expired at {}, so the directory shows it as unknown. \
                 Declare it again.",
                site.name,
                time_mark(site.at.and_utc())
            ),
            link: format!("/sites/{}", site.site_id),
            organization_id: Some(site.organization_id.clone()),
            subject: Some(("site", site.site_id.clone())),
            referral_id: None,
            dedupe_key: Some(format!("capacity_lapsed:{}:{}", site.site_id, site.at)),
        };
        raised_count += raise_for(state, &site.organization_id, &DECIDERS, &draft)?;
    }

    // Volunteer skills lapsing within a fortnight.
    let today = Utc::now().date_naive();
    let profiles = state.store.read(store::volunteer_skills)?;
    for (user_id, skills) in profiles {
        let Ok(skills) = serde_json::from_str::<Vec<SkillEntry>>(&skills) else {
            continue;
        };
        for skill in skills {
            let Some(last) = skill.expires_on else {
                continue;
            };
            if last < today || last > today + TimeDelta::days(SKILL_NOTICE_DAYS) {
                continue;
            }
            let draft = Draft {
                kind: AlertKind::SkillExpiring,
                title: format!(
                    "Your {} skill lapses on {}",
                    skill.skill.label().to_lowercase(),
                    last.format("%-d %B")
                ),
                body: format!(
                    "Your {} is valid until {}. Renew it and update your volunteer profile, or Warren \
                     stops offering you work that needs it.",
                    skill.skill.label().to_lowercase(),
                    last.format("%-d %B %Y")
                ),
                link: "/volunteer/profile".to_owned(),
                organization_id: None,
                subject: None,
                referral_id: None,
                dedupe_key: Some(format!("skill_expiring:{}:{last}", skill.skill.as_str())),
            };
            raised_count += write_and_publish(state, |connection, raised| {
                let people: Vec<_> = store::people(connection, std::slice::from_ref(&user_id))?
                    .into_values()
                    .collect();
                alerting.deliver_all(connection, raised, people, &draft, None)
            })?;
        }
    }

    // Follow-ups due today (or in the last week, for a server that was down).
    let follow_ups = state.store.read(|connection| {
        store::follow_ups_due(connection, today - TimeDelta::days(7), today, BATCH)
    })?;
    for (row, due) in follow_ups {
        raised_count += write_and_publish(state, |connection, raised| {
            let receiver = sites::find(connection, &row.receiver_site_id)?.fields.name;
            let draft = Draft {
                kind: AlertKind::FollowUpDue,
                title: format!("Follow-up due: your referral to {receiver}"),
                body: format!(
                    "{receiver} asked for a follow-up on {} after recording the outcome of your referral.",
                    due.format("%-d %B %Y")
                ),
                link: format!("/referrals/{}", row.id),
                organization_id: Some(row.referrer_org_id.clone()),
                subject: Some(("referral", row.id.clone())),
                referral_id: Some(row.id.clone()),
                dedupe_key: Some(format!("follow_up_due:{}:{due}", row.id)),
            };
            let deciders = store::members_with_roles(connection, &row.referrer_org_id, &DECIDERS)?;
            let people = match row
                .created_by_user_id
                .as_deref()
                .and_then(|author| deciders.iter().find(|person| person.user_id == author))
            {
                Some(author) => vec![author.clone()],
                None => deciders,
            };
            alerting.deliver_all(connection, raised, people, &draft, None)
        })?;
    }

    // Transport legs nobody took by the time they were needed: the
    // referrer's deciders hear of each leg once. The claim on the leg makes
    // it once however many replicas sweep; the per-person key backs it up.
    let late = state
        .store
        .read(|connection| referral_store::late_transports(connection, at, BATCH))?;
    for row in late {
        raised_count += write_and_publish(state, |connection, raised| {
            if !referral_store::claim_late_transport(connection, &row)? {
                return Ok(0);
            }
            let Some(leg) = row.transport()? else {
                return Ok(0);
            };
            let needed_by = leg.needed_by.map_or_else(String::new, |due| {
                due.format("%-d %b %H:%M UTC").to_string()
            });
            let patient = row
                .patient()?
                .name
                .map_or_else(|| "the patient".to_owned(), |name| name.to_string());
            let draft = Draft {
                kind: AlertKind::TransportUnclaimed,
                title: format!("Nobody has taken the transport for {patient}"),
                body: format!(
                    "The transport from {} to {} was needed by {needed_by} and no driver has taken it. \
                     Share it with the network's volunteers, name a driver, or arrange the journey another way.",
                    leg.pickup, leg.dropoff
                ),
                link: format!("/referrals/{}", row.id),
                organization_id: Some(row.referrer_org_id.clone()),
                subject: Some(("referral", row.id.clone())),
                referral_id: Some(row.id.clone()),
                dedupe_key: Some(format!("transport_unclaimed:{}", row.id)),
            };
            referral_store::log(
                connection,
                &row.id,
                now(),
                WARREN,
                "transport",
                None,
                None,
                Some(&format!(
                    "Nobody has taken the transport needed by {needed_by}; the referring organization was alerted."
                )),
            )?;
            let deciders = store::members_with_roles(connection, &row.referrer_org_id, &DECIDERS)?;
            alerting.deliver_all(connection, raised, deciders, &draft, None)
        })?;
    }

    // On-call rotas with gaps in the coming week.
    let rotas = state.store.read(store::rotas_in_use)?;
    for record in rotas {
        raised_count += write_and_publish(state, |connection, raised| {
            let site = sites::find(connection, &record.site_id)?;
            let (timezone, country) = place(&site.fields.timezone, &site.fields.country)?;
            let rota = record.rota()?;
            let gaps = rota.gaps(timezone, country, Utc::now(), ROTA_HORIZON_DAYS.min(7));
            let Some(first) = gaps.first() else {
                return Ok(0);
            };
            let local = first.starts_at.with_timezone(&timezone.tz());
            let draft = Draft {
                kind: AlertKind::RotaGap,
                title: format!(
                    "Nobody is on call at {} from {}",
                    site.fields.name,
                    local.format("%a %-d %b %H:%M")
                ),
                body: format!(
                    "The on-call rota of {} leaves {} gap(s) in the coming week, the first from {}. Urgent \
                     alerts then go to the primary referral contact and the admins. Fill the gaps in the rota.",
                    site.fields.name,
                    gaps.len(),
                    local.format("%A %-d %B %H:%M")
                ),
                link: format!("/sites/{}/on-call", record.site_id),
                organization_id: Some(record.organization_id.clone()),
                subject: Some(("site", record.site_id.clone())),
                referral_id: None,
                dedupe_key: Some(format!("rota_gap:{}:{}", record.site_id, record.version)),
            };
            let admins = store::members_with_roles(connection, &record.organization_id, &ADMINS)?;
            alerting.deliver_all(connection, raised, admins, &draft, None)
        })?;
    }
    Ok(raised_count)
}

/// Runs `work` in one transaction with the events it raises, and publishes
/// them once it commits.
fn write_and_publish<T>(
    state: &AppState,
    work: impl FnOnce(&mut DbConnection, &mut Raised) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let (value, raised) = state.store.write(|connection| {
        let mut raised = Raised::default();
        let value = work(connection, &mut raised)?;
        Ok::<_, ApiError>((value, raised))
    })?;
    state.events.publish(raised.0);
    Ok(value)
}

/// Raises `draft` for the members of `organization` with `roles`, in one
/// transaction; returns how many were new.
fn raise_for(
    state: &AppState,
    organization: &str,
    roles: &[warren_domain::Role],
    draft: &Draft,
) -> Result<usize, ApiError> {
    write_and_publish(state, |connection, raised| {
        let people = store::members_with_roles(connection, organization, roles)?;
        state
            .alerting
            .deliver_all(connection, raised, people, draft, None)
    })
}
