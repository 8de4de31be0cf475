//! Who each change concerns, and what they are told.
//!
//! - A tier 1–2 referral that reaches a site (sent, or escalated to it)
//!   starts an urgent chain at that site; a tier 3–5 one alerts the
//!   receiving organization's deciders.
//! - An answer (received, accepted, rejected, failed, completed) or an
//!   outcome alerts the person who sent the referral (or, for a referral an
//!   integration sent, the referrer's deciders). A receiver's answer also
//!   acknowledges the site's running chain; a cancellation stops it.
//! - A case-thread message alerts the other side: the referral's author, or
//!   the receiver's assigned contact (else its deciders).
//! - "No other suitable site" starts an urgent chain for the referrer: the
//!   author first, then the referring site's on-call rota, then its admins.
//! - A consult request alerts the specialist (an urgent one as a chain:
//!   the specialist, then their organization's admins); an answer or a
//!   refusal alerts whoever asked.
//! - Each loan step alerts the other side: requests the owner's deciders,
//!   decisions the borrower's requester. A tier 1–2 request for kit needed
//!   today is urgent for the owner; a booking displaced on the day it
//!   starts is urgent for its borrower.

use chrono::Utc;
use warren_domain::alerts::{AlertKind, time_mark};
use warren_domain::directory::taxonomy::{Taxonomy, Vocabulary};
use warren_domain::referral::ReferralStatus;
use warren_domain::triage::Tier;
use warren_store::DbConnection;
use warren_store::alerts::{self as store, NewChain, Person};
use warren_store::lending::ReservationRow;
use warren_store::referrals::ReferralRow;
use warren_store::specialists::ConsultRow;

use super::{Alerting, DECIDERS, Draft};
use crate::error::ApiError;
use crate::events::Raised;

/// Who made a change: their account (none for an API key or Warren) and
/// name.
#[derive(Debug, Clone, Copy)]
pub struct ChangedBy<'a> {
    /// The account.
    pub user_id: Option<&'a str>,
    /// The name.
    pub name: &'a str,
}

/// "rabbit "Pip"", "hedgehog".
fn patient_words(row: &ReferralRow) -> String {
    static VOCABULARY: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
    let vocabulary = VOCABULARY.get_or_init(Vocabulary::seeded);
    let species = vocabulary
        .label(Taxonomy::Species, &row.species)
        .to_lowercase();
    match row.patient().ok().and_then(|patient| patient.name) {
        Some(name) => format!("{species} \u{201c}{name}\u{201d}"),
        None => species,
    }
}

fn tier_words(tier: Tier) -> &'static str {
    match tier {
        Tier::Immediate => "tier 1, immediate",
        Tier::VeryUrgent => "tier 2, very urgent",
        Tier::Urgent => "tier 3, urgent",
        Tier::Standard => "tier 4, standard",
        Tier::NonUrgent => "tier 5, non-urgent",
    }
}

fn name_of_organization(connection: &mut DbConnection, id: &str) -> Result<String, ApiError> {
    Ok(store::organization_name(connection, id)?)
}

fn name_of_site(connection: &mut DbConnection, id: &str) -> Result<String, ApiError> {
    Ok(store::site_name(connection, id)?)
}

fn short(text: &str, most: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= most {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(most).collect();
    cut.push('\u{2026}');
    cut
}

impl Alerting {
    /// A referral reached its receiving site: sent by the referrer, or
    /// escalated there by Warren.
    pub fn referral_arrived(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        row: &ReferralRow,
    ) -> Result<(), ApiError> {
        let tier = row.tier()?;
        let referrer = name_of_organization(connection, &row.referrer_org_id)?;
        let site = name_of_site(connection, &row.receiver_site_id)?;
        let patient = patient_words(row);
        let link = format!("/referrals/{}", row.id);
        let escalated = if row.escalated_from.is_some() {
            " (escalated: the first site did not answer in time)"
        } else {
            ""
        };
        let body = format!(
            "{referrer} referred a {patient} ({}) to {}{escalated}.\nReason: {}\nAnswer it in Warren: receive, accept or decline.",
            tier_words(tier),
            site,
            short(&row.reason, 300)
        );
        if matches!(tier, Tier::Immediate | Tier::VeryUrgent) {
            self.start_chain(
                connection,
                raised,
                &NewChain {
                    kind: AlertKind::UrgentReferral,
                    organization_id: row.receiver_org_id.clone(),
                    site_id: Some(row.receiver_site_id.clone()),
                    first_user_id: None,
                    referral_id: Some(row.id.clone()),
                    subject_type: "referral",
                    subject_id: row.id.clone(),
                    tier,
                    title: format!("Tier {} referral: {patient} from {referrer}", tier.number()),
                    body,
                    link,
                },
            )?;
            return Ok(());
        }
        let draft = Draft {
            kind: AlertKind::ReferralReceived,
            title: format!("New referral: {patient} from {referrer}"),
            body,
            link,
            organization_id: Some(row.receiver_org_id.clone()),
            subject: Some(("referral", row.id.clone())),
            referral_id: Some(row.id.clone()),
            dedupe_key: None,
        };
        let people = store::members_with_roles(connection, &row.receiver_org_id, &DECIDERS)?;
        self.deliver_all(connection, raised, people, &draft, None)?;
        Ok(())
    }

    /// A referral moved from `from` to its row's status, by `by`.
    pub fn referral_moved(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        row: &ReferralRow,
        from: ReferralStatus,
        by: ChangedBy<'_>,
    ) -> Result<(), ApiError> {
        let to = row.status()?;
        let subject = ("referral", row.id.as_str());
        match to {
            ReferralStatus::Requested if from == ReferralStatus::Draft => {
                return self.referral_arrived(connection, raised, row);
            }
            ReferralStatus::Received
            | ReferralStatus::Accepted
            | ReferralStatus::InProgress
            | ReferralStatus::Rejected => {
                self.settle(connection, raised, subject, Some((by.user_id, by.name)), "")?;
            }
            ReferralStatus::Cancelled | ReferralStatus::EnteredInError | ReferralStatus::Failed => {
                let reason = match to {
                    ReferralStatus::Cancelled => "the referral was withdrawn",
                    ReferralStatus::EnteredInError => "the referral was entered in error",
                    _ => "the referral failed",
                };
                self.settle(connection, raised, subject, None, reason)?;
            }
            _ => {}
        }
        let answered = match to {
            ReferralStatus::Received => "received",
            ReferralStatus::Accepted => "accepted",
            ReferralStatus::Rejected => "declined",
            ReferralStatus::Failed => "marked as failed",
            ReferralStatus::Completed => "completed",
            _ => return Ok(()),
        };
        let receiver = name_of_site(connection, &row.receiver_site_id)?;
        let patient = patient_words(row);
        let mut body = format!(
            "{receiver} {answered} your referral of a {patient} ({}).",
            tier_words(row.tier()?)
        );
        if let Some(note) = row
            .reject_note
            .as_deref()
            .filter(|_| to == ReferralStatus::Rejected)
        {
            body.push_str(&format!("\nTheir reason: {}", short(note, 300)));
        }
        self.tell_referrer(
            connection,
            raised,
            row,
            &format!("{receiver} {answered} your referral: {patient}"),
            &body,
            by.user_id,
        )
    }

    /// The receiver recorded a referral's outcome.
    pub fn outcome_recorded(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        row: &ReferralRow,
        by: ChangedBy<'_>,
    ) -> Result<(), ApiError> {
        let receiver = name_of_site(connection, &row.receiver_site_id)?;
        let patient = patient_words(row);
        let outcome = row
            .outcome
            .as_deref()
            .and_then(|text| serde_json::from_str::<warren_domain::referral::Outcome>(text).ok());
        let mut body = format!("{receiver} recorded the outcome of your referral of a {patient}");
        if let Some(outcome) = &outcome {
            body.push_str(&format!(": {}.", outcome.kind.label()));
            if let Some(due) = outcome.follow_up_due {
                body.push_str(&format!("\nFollow-up due {}.", due.format("%-d %B %Y")));
            }
        } else {
            body.push('.');
        }
        self.tell_referrer(
            connection,
            raised,
            row,
            &format!("Outcome recorded: {patient} at {receiver}"),
            &body,
            by.user_id,
        )
    }

    /// Alerts the referral's author (or, without one, the referrer's
    /// deciders) that the receiver answered.
    fn tell_referrer(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        row: &ReferralRow,
        title: &str,
        body: &str,
        except: Option<&str>,
    ) -> Result<(), ApiError> {
        let draft = Draft {
            kind: AlertKind::ReferralAnswered,
            title: title.to_owned(),
            body: body.to_owned(),
            link: format!("/referrals/{}", row.id),
            organization_id: Some(row.referrer_org_id.clone()),
            subject: Some(("referral", row.id.clone())),
            referral_id: Some(row.id.clone()),
            dedupe_key: None,
        };
        let people = self.author_or_deciders(
            connection,
            &row.referrer_org_id,
            row.created_by_user_id.as_deref(),
        )?;
        self.deliver_all(connection, raised, people, &draft, except)?;
        Ok(())
    }

    /// The author of something an organization did, if still a member, else
    /// the organization's deciders.
    fn author_or_deciders(
        &self,
        connection: &mut DbConnection,
        organization_id: &str,
        author: Option<&str>,
    ) -> Result<Vec<Person>, ApiError> {
        let deciders = store::members_with_roles(connection, organization_id, &DECIDERS)?;
        if let Some(author) = author
            && let Some(person) = deciders.iter().find(|person| person.user_id == author)
        {
            return Ok(vec![person.clone()]);
        }
        Ok(deciders)
    }

    /// A message was posted in a referral's case thread by someone of
    /// `author_organization`.
    pub fn case_message(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        row: &ReferralRow,
        author_organization: &str,
        by: ChangedBy<'_>,
        text: &str,
    ) -> Result<(), ApiError> {
        let patient = patient_words(row);
        let (to_organization, person) = if author_organization == row.referrer_org_id {
            (
                row.receiver_org_id.as_str(),
                row.assignee_user_id.as_deref(),
            )
        } else {
            (
                row.referrer_org_id.as_str(),
                row.created_by_user_id.as_deref(),
            )
        };
        let draft = Draft {
            kind: AlertKind::CaseMessage,
            title: format!("{} wrote about the {patient}", by.name),
            body: short(text, 500),
            link: format!("/referrals/{}", row.id),
            organization_id: Some(to_organization.to_owned()),
            subject: Some(("referral", row.id.clone())),
            referral_id: Some(row.id.clone()),
            dedupe_key: None,
        };
        let people = self.author_or_deciders(connection, to_organization, person)?;
        self.deliver_all(connection, raised, people, &draft, by.user_id)?;
        Ok(())
    }

    /// Escalation found no other suitable site for an unanswered referral:
    /// the referrer must call around, urgently.
    pub fn no_suitable_site(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        row: &ReferralRow,
        minutes: u32,
        radius_km: u32,
    ) -> Result<(), ApiError> {
        let tier = row.tier()?;
        let patient = patient_words(row);
        let receiver = name_of_site(connection, &row.receiver_site_id)?;
        self.start_chain(
            connection,
            raised,
            &NewChain {
                kind: AlertKind::NoSuitableSite,
                organization_id: row.referrer_org_id.clone(),
                site_id: row.referrer_site_id.clone(),
                first_user_id: row.created_by_user_id.clone(),
                referral_id: Some(row.id.clone()),
                subject_type: "referral",
                subject_id: row.id.clone(),
                tier,
                title: format!("No other site for the {patient}: call around"),
                body: format!(
                    "{receiver} has not answered your {} referral of a {patient} within {minutes} min, and \
                     no other suitable site within {radius_km} km is open and accepting now. Call around, \
                     or find a site in the directory.",
                    tier_words(tier)
                ),
                link: format!("/referrals/{}", row.id),
            },
        )?;
        Ok(())
    }

    /// A specialist was asked for a consult; an urgent one follows a chain.
    pub fn consult_requested(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        consult: &ConsultRow,
        urgent: bool,
    ) -> Result<(), ApiError> {
        let title = format!("{} asks for your opinion", consult.requester_name);
        let body = format!("Question: {}", short(&consult.question, 500));
        let link = format!("/consults?id={}", consult.id);
        if urgent {
            self.start_chain(
                connection,
                raised,
                &NewChain {
                    kind: AlertKind::UrgentConsult,
                    organization_id: consult.specialist_organization_id.clone(),
                    site_id: None,
                    first_user_id: Some(consult.specialist_user_id.clone()),
                    referral_id: Some(consult.referral_id.clone()),
                    subject_type: "consult",
                    subject_id: consult.id.clone(),
                    tier: Tier::VeryUrgent,
                    title: format!("Urgent consult: {title}"),
                    body,
                    link,
                },
            )?;
            return Ok(());
        }
        let draft = Draft {
            kind: AlertKind::ConsultRequested,
            title,
            body,
            link,
            organization_id: Some(consult.specialist_organization_id.clone()),
            subject: Some(("consult", consult.id.clone())),
            referral_id: Some(consult.referral_id.clone()),
            dedupe_key: None,
        };
        let people = store::people(
            connection,
            std::slice::from_ref(&consult.specialist_user_id),
        )?
        .into_values()
        .collect();
        self.deliver_all(connection, raised, people, &draft, None)?;
        Ok(())
    }

    /// A specialist answered or declined a consult (its row as it is now),
    /// or the asker cancelled it.
    pub fn consult_closed(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        consult: &ConsultRow,
        by: ChangedBy<'_>,
    ) -> Result<(), ApiError> {
        let subject = ("consult", consult.id.as_str());
        if consult.status == "cancelled" {
            return self.settle(
                connection,
                raised,
                subject,
                None,
                "the consult was cancelled",
            );
        }
        self.settle(connection, raised, subject, Some((by.user_id, by.name)), "")?;
        let (title, body) = match consult.status.as_str() {
            "answered" => (
                format!("{} answered your consult", consult.specialist_name),
                short(consult.answer.as_deref().unwrap_or_default(), 500),
            ),
            _ => (
                format!("{} declined your consult", consult.specialist_name),
                short(
                    consult
                        .decline_reason
                        .as_deref()
                        .unwrap_or("No reason given."),
                    500,
                ),
            ),
        };
        let draft = Draft {
            kind: AlertKind::ConsultAnswered,
            title,
            body,
            link: format!("/referrals/{}", consult.referral_id),
            organization_id: Some(consult.requester_organization_id.clone()),
            subject: Some(("consult", consult.id.clone())),
            referral_id: Some(consult.referral_id.clone()),
            dedupe_key: None,
        };
        let people = self.author_or_deciders(
            connection,
            &consult.requester_organization_id,
            consult.requester_user_id.as_deref(),
        )?;
        self.deliver_all(connection, raised, people, &draft, by.user_id)?;
        Ok(())
    }

    /// A step of a loan (its row as it is now): `requested`, `approved`,
    /// `declined`, `cancelled`, `preempted`, `overdue`.
    pub fn loan_step(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        row: &ReservationRow,
        step: &str,
        item_name: &str,
        by: ChangedBy<'_>,
    ) -> Result<(), ApiError> {
        let link = format!("/loans/{}", row.id);
        let tier = u8::try_from(row.tier)
            .ok()
            .and_then(Tier::from_number)
            .unwrap_or(Tier::NonUrgent);
        let today = Utc::now().date_naive();
        let starts_today = row.starts_at.date() <= today && row.ends_at > Utc::now().naive_utc();
        let window = format!(
            "{} to {}",
            time_mark(row.starts_at.and_utc()),
            time_mark(row.ends_at.and_utc())
        );
        match step {
            "requested" => {
                let borrower = name_of_organization(connection, &row.borrower_org_id)?;
                let body = format!(
                    "{borrower} asks to borrow {item_name} ({}) from {window}.\n{}",
                    tier_words(tier),
                    short(&row.decision_reason, 300)
                );
                if matches!(tier, Tier::Immediate | Tier::VeryUrgent) && starts_today {
                    let home = store::item_home_site(connection, &row.item_id)?;
                    self.start_chain(
                        connection,
                        raised,
                        &NewChain {
                            kind: AlertKind::KitNeededToday,
                            organization_id: row.owner_org_id.clone(),
                            site_id: home,
                            first_user_id: None,
                            referral_id: row.referral_id.clone(),
                            subject_type: "loan",
                            subject_id: row.id.clone(),
                            tier,
                            title: format!("Kit needed today: {item_name} for {borrower}"),
                            body,
                            link,
                        },
                    )?;
                    return Ok(());
                }
                let draft = Draft {
                    kind: AlertKind::LoanUpdate,
                    title: format!("{borrower} asks to borrow {item_name}"),
                    body,
                    link,
                    organization_id: Some(row.owner_org_id.clone()),
                    subject: Some(("loan", row.id.clone())),
                    referral_id: None,
                    dedupe_key: None,
                };
                let people = store::members_with_roles(connection, &row.owner_org_id, &DECIDERS)?;
                self.deliver_all(connection, raised, people, &draft, by.user_id)?;
            }
            "preempted" if starts_today => {
                self.start_chain(
                    connection,
                    raised,
                    &NewChain {
                        kind: AlertKind::BookingPreemptedToday,
                        organization_id: row.borrower_org_id.clone(),
                        site_id: row.borrower_site_id.clone(),
                        first_user_id: row.requested_by_user_id.clone(),
                        referral_id: None,
                        subject_type: "loan",
                        subject_id: row.id.clone(),
                        tier: Tier::VeryUrgent,
                        title: format!("Your booking of {item_name} for today was displaced"),
                        body: format!(
                            "A more urgent case needs {item_name} ({window}).\n{}\nFind another item or \
                             take the offered slot in Warren.",
                            short(&row.decision_reason, 300)
                        ),
                        link,
                    },
                )?;
            }
            "approved" | "declined" | "cancelled" | "preempted" | "overdue" => {
                if step == "approved" || step == "declined" {
                    self.settle(
                        connection,
                        raised,
                        ("loan", &row.id),
                        Some((by.user_id, by.name)),
                        "",
                    )?;
                }
                let (kind, title) = match step {
                    "approved" => (
                        AlertKind::LoanUpdate,
                        format!("Your loan of {item_name} is approved"),
                    ),
                    "declined" => (
                        AlertKind::LoanUpdate,
                        format!("Your loan request for {item_name} was declined"),
                    ),
                    "cancelled" => (
                        AlertKind::LoanUpdate,
                        format!("The loan of {item_name} was cancelled"),
                    ),
                    "preempted" => (
                        AlertKind::LoanUpdate,
                        format!("Your booking of {item_name} was displaced"),
                    ),
                    _ => (
                        AlertKind::LoanOverdue,
                        format!("{item_name} is overdue: please return it"),
                    ),
                };
                let body = match step {
                    "overdue" => format!(
                        "The loan of {item_name} ended at {} and the kit has not been returned.",
                        time_mark(row.ends_at.and_utc())
                    ),
                    _ => format!(
                        "{window}.\n{}",
                        short(row.note.as_deref().unwrap_or(&row.decision_reason), 300)
                    ),
                };
                let draft = Draft {
                    kind,
                    title,
                    body,
                    link,
                    organization_id: Some(row.borrower_org_id.clone()),
                    subject: Some(("loan", row.id.clone())),
                    referral_id: None,
                    dedupe_key: (step == "overdue").then(|| format!("loan_overdue:{}", row.id)),
                };
                let people = self.author_or_deciders(
                    connection,
                    &row.borrower_org_id,
                    row.requested_by_user_id.as_deref(),
                )?;
                self.deliver_all(connection, raised, people, &draft, by.user_id)?;
                if step == "cancelled" {
                    self.settle(
                        connection,
                        raised,
                        ("loan", &row.id),
                        None,
                        "the loan was cancelled",
                    )?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
