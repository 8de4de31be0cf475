//! Alerts that reach people: raising them in the transaction of the change
//! that causes them, moving acknowledgement chains, and the e-mails that
//! carry them.
//!
//! The rules of kinds, preferences, rotas and chain steps are the domain's
//! ([`warren_domain::alerts`]); this module decides who a change concerns,
//! writes the inbox rows and the outbox messages, and records each step of
//! an urgent alert on the referral's timeline ("Alerted Dr Okafor (on call
//! at Night Vets Emergency) in Warren and by e-mail", "Acknowledged by Dr
//! Okafor from the e-mail link").
//!
//! - [`Alerting::deliver`] raises one alert for one recipient: the inbox row,
//!   an e-mail when the person chose "immediately" (after their quiet hours
//!   unless urgent) and their address is confirmed, and a live notice.
//! - [`Alerting::start_chain`] starts an urgent alert's chain and alerts its
//!   first step at once; the chain job ([`jobs`]) alerts the next step each
//!   time the acknowledge time runs out, then the admins, then marks it
//!   exhausted. One acknowledgement ([`Alerting::acknowledge`]) stops it.
//! - [`triggers`] says who each referral, consult and loan change concerns.
//! - The sweeps and the daily digest run in [`jobs`].

pub mod compose;
pub mod jobs;
pub mod triggers;

use chrono::{TimeDelta, Utc};
use uuid::Uuid;
use warren_domain::Role;
use warren_domain::alerts::{
    AcknowledgedVia, AlertKind, AlertPreferences, DeliveryMode, NextStep, in_timezone, next_step,
    send_after_quiet_hours,
};
use warren_domain::directory::hours::{CountryCode, Timezone};
use warren_store::alerts::{self as store, ChainRecord, NewAlert, NewChain, Person};
use warren_store::outbox::{self, MessageRecord, NewMessage};
use warren_store::referrals as referral_store;
use warren_store::{DbConnection, new_id, now, sites, webhooks};
use warren_wire::{AlertEvent, AlertNotice};

use crate::auth::WARREN;
use crate::auth::{TokenKeys, digest, new_secret};
use crate::error::ApiError;
use crate::events::LiveEvent;
use crate::events::Raised;
use crate::mail::{EMAIL, SendFailure};

/// Roles that decide for an organization (and hear of its referrals).
pub const DECIDERS: [Role; 4] = [
    Role::NetworkAdmin,
    Role::OrgAdmin,
    Role::Clinician,
    Role::Staff,
];

/// Roles that administer an organization: the end of every chain.
pub const ADMINS: [Role; 2] = [Role::NetworkAdmin, Role::OrgAdmin];

/// The timezone of people who chose none and whose organization lists no
/// site.
const FALLBACK_TIMEZONE: &str = "Europe/London";

/// Whom an alert is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A person with an account: inbox, and e-mail as they chose.
    Person(Person),
    /// An address outside Warren (a site's referral desk): e-mail only.
    Address {
        /// Who reads it.
        name: String,
        /// Where.
        email: String,
    },
}

/// How a chain tells recipients apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientKey {
    /// An account.
    User(String),
    /// An address outside Warren.
    Address(String),
}

impl Recipient {
    /// The key a chain remembers it by.
    pub fn key(&self) -> RecipientKey {
        match self {
            Self::Person(person) => RecipientKey::User(person.user_id.clone()),
            Self::Address { email, .. } => RecipientKey::Address(email.to_lowercase()),
        }
    }

    /// Their name.
    pub fn name(&self) -> &str {
        match self {
            Self::Person(person) => &person.name,
            Self::Address { name, .. } => name,
        }
    }
}

/// An alert before it has a recipient.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Its kind.
    pub kind: AlertKind,
    /// One line.
    pub title: String,
    /// What happened and what to do.
    pub body: String,
    /// Where in Warren, e.g. `/referrals/{id}`.
    pub link: String,
    /// The organization it concerns.
    pub organization_id: Option<String>,
    /// What it is about.
    pub subject: Option<(&'static str, String)>,
    /// The referral it concerns.
    pub referral_id: Option<String>,
    /// Makes it once per person (sweeps).
    pub dedupe_key: Option<String>,
}

/// What [`Alerting::deliver`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    /// The inbox row.
    pub alert_id: String,
    /// Whether an e-mail was queued.
    pub emailed: bool,
}

/// Raises alerts: knows where links point and signs unsubscribe links.
pub struct Alerting {
    public_url: String,
    mail_domain: String,
    tokens: TokenKeys,
}

impl Alerting {
    /// Alerting for a server reached at `public_url`.
    pub fn new(public_url: &str, tokens: TokenKeys) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            mail_domain: crate::mail::sender_domain(public_url),
            tokens,
        }
    }

    /// The full address of a path in the web app.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// Queues an e-mail in the change's transaction and wakes the sender
    /// once the change commits.
    pub fn queue_mail(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        message: &NewMessage,
    ) -> Result<String, ApiError> {
        let id = outbox::enqueue(connection, message, &self.mail_domain)?;
        if !raised
            .0
            .iter()
            .any(|event| matches!(event, LiveEvent::MailQueued))
        {
            raised.push(connection, LiveEvent::MailQueued)?;
        }
        Ok(id)
    }

    /// A person's preferences, or the defaults in their organization's
    /// timezone.
    pub fn preferences_of(
        &self,
        connection: &mut DbConnection,
        user_id: &str,
    ) -> Result<(AlertPreferences, i64), ApiError> {
        match store::find_preferences(connection, user_id)? {
            Some(record) => Ok((record.preferences()?, record.version)),
            None => Ok((
                AlertPreferences::defaults(default_timezone(connection, user_id)?),
                0,
            )),
        }
    }

    /// Raises `draft` for `recipient`: the inbox row (for a person), an
    /// e-mail when due, and a live notice. `None` when a sweep's alert was
    /// raised for this person before. `chain` names the chain and step
    /// raising it.
    pub fn deliver(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        recipient: &Recipient,
        draft: &Draft,
        chain: Option<(&str, i32)>,
    ) -> Result<Option<Delivered>, ApiError> {
        let urgent = draft.kind.is_urgent();
        let (mode, preferences) = match recipient {
            Recipient::Person(person) => {
                // Read with the person; without saved ones the defaults
                // hold, whose timezone does not matter here (no quiet hours).
                let preferences = match &person.preferences {
                    Some(record) => record.preferences()?,
                    None => AlertPreferences::defaults(fallback_timezone()?),
                };
                (preferences.mode_for(draft.kind), Some(preferences))
            }
            Recipient::Address { .. } => (DeliveryMode::Immediate, None),
        };
        // Times in the texts are written in the person's timezone: the one
        // they chose, else their organization's; an address gets the
        // fallback's (the abbreviation says which).
        let timezone = match (recipient, &preferences) {
            (Recipient::Person(person), _) if person.preferences.is_none() => {
                default_timezone(connection, &person.user_id)?
            }
            (_, Some(preferences)) => preferences.timezone,
            _ => fallback_timezone()?,
        };
        let title = in_timezone(&draft.title, timezone);
        let body = in_timezone(&draft.body, timezone);
        let token = urgent.then(|| new_secret("wra"));
        let id = new_id();
        let (user_id, email) = match recipient {
            Recipient::Person(person) => (Some(person.user_id.clone()), None),
            Recipient::Address { email, .. } => (None, Some(email.clone())),
        };
        let inserted = store::insert_alert(
            connection,
            &NewAlert {
                id: id.clone(),
                user_id: user_id.clone(),
                recipient_name: recipient.name().to_owned(),
                email,
                organization_id: draft.organization_id.clone(),
                kind: draft.kind,
                title: title.clone(),
                body: body.clone(),
                link: draft.link.clone(),
                subject_type: draft.subject.as_ref().map(|(kind, _)| *kind),
                subject_id: draft.subject.as_ref().map(|(_, id)| id.clone()),
                referral_id: draft.referral_id.clone(),
                chain: chain.map(|(id, step)| (id.to_owned(), step)),
                dedupe_key: draft.dedupe_key.clone(),
                delivery: mode,
                ack_token_hash: token.as_deref().map(digest),
            },
        )?;
        if !inserted {
            return Ok(None);
        }
        let address = match recipient {
            Recipient::Person(person) if person.email_confirmed => Some(person.email.clone()),
            Recipient::Person(_) => None,
            Recipient::Address { email, .. } => Some(email.clone()),
        };
        let mut emailed = false;
        if mode == DeliveryMode::Immediate
            && let Some(address) = address
        {
            let quiet = preferences
                .as_ref()
                .and_then(AlertPreferences::quiet_hours_at);
            let not_before = send_after_quiet_hours(urgent, quiet.as_ref(), Utc::now()).naive_utc();
            let unsubscribe = match (&user_id, urgent) {
                (Some(user), false) => Some(self.url(&format!(
                    "/unsubscribe?token={}",
                    self.tokens.issue_unsubscribe(user, draft.kind)?
                ))),
                _ => None,
            };
            let acknowledge = token
                .as_ref()
                .map(|token| self.url(&format!("/alerts/acknowledge?token={token}")));
            let composed = compose::alert(
                &title,
                &body,
                &self.url(&draft.link),
                acknowledge.as_deref(),
                &self.url("/profile#alerts"),
                unsubscribe.as_deref(),
            );
            self.queue_mail(
                connection,
                raised,
                &NewMessage {
                    channel: EMAIL,
                    purpose: "alert",
                    alert_id: Some(id.clone()),
                    user_id: user_id.clone(),
                    address,
                    recipient_name: recipient.name().to_owned(),
                    subject: composed.subject,
                    body_text: composed.text,
                    body_html: Some(composed.html),
                    unsubscribe_url: unsubscribe,
                    link: Some(draft.link.clone()),
                    secret: urgent,
                    urgent,
                    not_before,
                },
            )?;
            emailed = true;
        }
        raised.note(LiveEvent::AlertRaised { urgent });
        if let Some(user_id) = user_id {
            raised.push(
                connection,
                LiveEvent::Alert(AlertNotice {
                    id: parse(&id)?,
                    user_id: parse(&user_id)?,
                    kind: draft.kind,
                    urgent,
                }),
            )?;
        }
        Ok(Some(Delivered {
            alert_id: id,
            emailed,
        }))
    }

    /// Raises `draft` for each of `people`, except `except` (the person
    /// whose own change it reports).
    pub fn deliver_all(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        people: Vec<Person>,
        draft: &Draft,
        except: Option<&str>,
    ) -> Result<usize, ApiError> {
        let mut count = 0;
        for person in people {
            if except == Some(person.user_id.as_str()) {
                continue;
            }
            if self
                .deliver(connection, raised, &Recipient::Person(person), draft, None)?
                .is_some()
            {
                count += 1;
            }
        }
        Ok(count)
    }

    /// Starts an urgent alert's chain and alerts its first step at once.
    /// Nothing happens when the subject has a chain of this kind already.
    pub fn start_chain(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        chain: &NewChain,
    ) -> Result<Option<ChainRecord>, ApiError> {
        let Some(record) = store::insert_chain(connection, chain)? else {
            return Ok(None);
        };
        self.event(connection, &record, "alert.raised", None)?;
        self.step(connection, raised, &record)?;
        Ok(Some(record))
    }

    /// Moves a chain one step: alerts the next person on call, else the
    /// admins not yet alerted, else marks it exhausted. The caller holds the
    /// chain (it just started it, or claimed it).
    pub fn step(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        chain: &ChainRecord,
    ) -> Result<(), ApiError> {
        let kind = chain.kind()?;
        let on_call = self.on_call(connection, chain)?;
        let admins: Vec<Recipient> =
            store::members_with_roles(connection, &chain.organization_id, &ADMINS)?
                .into_iter()
                .map(Recipient::Person)
                .collect();
        let alerted: Vec<RecipientKey> = store::alerted_by_chain(connection, &chain.id)?
            .into_iter()
            .filter_map(|(user, email)| match (user, email) {
                (Some(user), _) => Some(RecipientKey::User(user)),
                (None, Some(email)) => Some(RecipientKey::Address(email.to_lowercase())),
                (None, None) => None,
            })
            .collect();
        let on_call_keys: Vec<RecipientKey> = on_call
            .iter()
            .map(|(recipient, _)| recipient.key())
            .collect();
        let admin_keys: Vec<RecipientKey> = admins.iter().map(Recipient::key).collect();
        let step = chain.step + 1;
        let draft = Draft {
            kind,
            title: chain.title.clone(),
            body: chain.body.clone(),
            link: chain.link.clone(),
            organization_id: Some(chain.organization_id.clone()),
            subject: Some((subject_type(&chain.subject_type), chain.subject_id.clone())),
            referral_id: chain.referral_id.clone(),
            dedupe_key: None,
        };
        let (times, _) = store::acknowledge_times(connection)?;
        let minutes = times.minutes(chain.tier()?);
        let note = match next_step(&on_call_keys, &admin_keys, &alerted) {
            NextStep::Person(key) => {
                let Some((recipient, why)) =
                    on_call.iter().find(|(recipient, _)| recipient.key() == key)
                else {
                    return Err(ApiError::Internal("a chain step lost its recipient".into()));
                };
                let delivered = self.deliver(
                    connection,
                    raised,
                    recipient,
                    &draft,
                    Some((&chain.id, step)),
                )?;
                let how = channels(recipient, delivered.as_ref());
                if chain.step == 0 {
                    format!("Alerted {} ({why}) {how}.", recipient.name())
                } else {
                    format!(
                        "Nobody acknowledged within {minutes} min; alerted {} ({why}) {how}.",
                        recipient.name()
                    )
                }
            }
            NextStep::Admins(keys) => {
                let mut names = Vec::new();
                for recipient in admins.iter().filter(|admin| keys.contains(&admin.key())) {
                    let delivered = self.deliver(
                        connection,
                        raised,
                        recipient,
                        &draft,
                        Some((&chain.id, step)),
                    )?;
                    names.push(format!(
                        "{} {}",
                        recipient.name(),
                        channels(recipient, delivered.as_ref())
                    ));
                }
                let organization = organization_name(connection, &chain.organization_id)?;
                if chain.step == 0 {
                    format!(
                        "Nobody is on call: alerted the admins of {organization}: {}.",
                        names.join("; ")
                    )
                } else {
                    format!(
                        "Nobody acknowledged within {minutes} min; alerted the admins of {organization}: {}.",
                        names.join("; ")
                    )
                }
            }
            NextStep::Exhausted => {
                store::exhaust_chain(connection, chain)?;
                self.event(connection, chain, "alert.unacknowledged", None)?;
                if let Some(referral) = &chain.referral_id {
                    let note = if chain.step == 0 {
                        "Nobody could be alerted: the organization has nobody on call and no admin."
                            .to_owned()
                    } else {
                        format!(
                            "Nobody acknowledged within {minutes} min, and everyone on call and the admins have been alerted."
                        )
                    };
                    referral_store::log(
                        connection,
                        referral,
                        now(),
                        WARREN,
                        "alert_unanswered",
                        None,
                        None,
                        Some(&note),
                    )?;
                }
                return Ok(());
            }
        };
        let due = now() + TimeDelta::minutes(i64::from(minutes));
        store::advance_chain(connection, chain, due)?;
        if let Some(referral) = &chain.referral_id {
            referral_store::log(
                connection,
                referral,
                now(),
                WARREN,
                "alerted",
                None,
                None,
                Some(&note),
            )?;
        }
        Ok(())
    }

    /// Who a chain alerts before the admins, in order, each with why: the
    /// person it names first, then whoever is on call at its site now —
    /// or, when nobody is, the site's primary referral contact.
    fn on_call(
        &self,
        connection: &mut DbConnection,
        chain: &ChainRecord,
    ) -> Result<Vec<(Recipient, String)>, ApiError> {
        let members = store::members_with_roles(connection, &chain.organization_id, &DECIDERS)?;
        let member = |id: &str| members.iter().find(|person| person.user_id == id).cloned();
        let mut list = Vec::new();
        if let Some(first) = &chain.first_user_id
            && let Some(person) =
                store::people(connection, std::slice::from_ref(first))?.remove(first)
        {
            list.push((
                Recipient::Person(person),
                first_reason(chain.kind()?).to_owned(),
            ));
        }
        let Some(site_id) = &chain.site_id else {
            return Ok(list);
        };
        let site = sites::find(connection, site_id)?;
        let rota = match store::find_rota(connection, site_id)? {
            Some(record) => record.rota()?,
            None => warren_domain::alerts::Rota::default(),
        };
        let (timezone, country) = place(&site.fields.timezone, &site.fields.country)?;
        let on_call = rota.on_call_at(timezone, country, Utc::now());
        let before_rota = list.len();
        for (index, id) in on_call.iter().enumerate() {
            if let Some(person) = member(&id.to_string()) {
                let why = if index == 0 {
                    format!("on call at {}", site.fields.name)
                } else {
                    format!("also on call at {}", site.fields.name)
                };
                list.push((Recipient::Person(person), why));
            }
        }
        if list.len() == before_rota
            && let Some(email) = site.fields.referral_email.as_deref()
        {
            let why = format!("primary referral contact of {}", site.fields.name);
            let recipient = match members
                .iter()
                .find(|person| person.email.eq_ignore_ascii_case(email))
            {
                Some(person) => Recipient::Person(person.clone()),
                None => Recipient::Address {
                    name: site
                        .fields
                        .referral_name
                        .clone()
                        .unwrap_or_else(|| format!("{} referral desk", site.fields.name)),
                    email: email.to_lowercase(),
                },
            };
            list.push((recipient, why));
        }
        Ok(list)
    }

    /// Stops a running chain for everyone: `by` acknowledged it. Records it
    /// on the referral's timeline, tells everyone the chain alerted, and the
    /// alerted organization's webhooks. `false` when someone acknowledged
    /// first.
    pub fn acknowledge(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        chain: &ChainRecord,
        by_user_id: Option<&str>,
        by: &str,
        via: AcknowledgedVia,
    ) -> Result<bool, ApiError> {
        if !store::acknowledge_chain(connection, &chain.id, by_user_id, by, via)? {
            return Ok(false);
        }
        if let Some(referral) = &chain.referral_id {
            let waited = (Utc::now().naive_utc() - chain.created_at)
                .num_seconds()
                .max(0);
            let note = format!(
                "Acknowledged by {by} {}, {} after the first alert.",
                via.label(),
                duration_words(waited)
            );
            referral_store::log(
                connection,
                referral,
                now(),
                by,
                "acknowledged",
                None,
                None,
                Some(&note),
            )?;
        }
        self.event(connection, chain, "alert.acknowledged", Some(by))?;
        for alert in store::alerts_of_chain(connection, &chain.id)? {
            if let Some(user) = &alert.user_id {
                raised.push(
                    connection,
                    LiveEvent::Alert(AlertNotice {
                        id: parse(&alert.id)?,
                        user_id: parse(user)?,
                        kind: alert.kind()?,
                        urgent: false,
                    }),
                )?;
            }
        }
        Ok(true)
    }

    /// Settles the running chains about a subject that was answered:
    /// acknowledged by the person who answered it, when `answered_by`
    /// names them, else stopped with `reason`.
    pub fn settle(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        subject: (&str, &str),
        answered_by: Option<(Option<&str>, &str)>,
        reason: &str,
    ) -> Result<(), ApiError> {
        for chain in store::running_chains_of(connection, subject.0, subject.1)? {
            match answered_by {
                Some((user, name)) => {
                    self.acknowledge(
                        connection,
                        raised,
                        &chain,
                        user,
                        name,
                        AcknowledgedVia::Answer,
                    )?;
                }
                None => {
                    // The subject's own timeline already says why (a
                    // withdrawal, a cancellation); the chain keeps the reason.
                    store::close_chain(connection, &chain.id, reason)?;
                }
            }
        }
        Ok(())
    }

    /// Queues a chain event for the alerted organization's webhooks.
    fn event(
        &self,
        connection: &mut DbConnection,
        chain: &ChainRecord,
        kind: &str,
        acknowledged_by: Option<&str>,
    ) -> Result<(), ApiError> {
        let event = AlertEvent {
            id: Uuid::now_v7(),
            kind: kind.to_owned(),
            chain_id: parse(&chain.id)?,
            alert_kind: chain.kind()?,
            organization_id: parse(&chain.organization_id)?,
            referral_id: chain.referral_id.as_deref().map(parse).transpose()?,
            tier: chain.tier()?,
            title: chain.title.clone(),
            acknowledged_by: acknowledged_by.map(str::to_owned),
            at: Utc::now(),
        };
        webhooks::enqueue(
            connection,
            &[event.organization_id.to_string()],
            &event.id.to_string(),
            &event.kind,
            &event,
        )?;
        Ok(())
    }
}

/// How long a password-reset link works.
pub const RESET_MINUTES: i64 = 30;

/// How long an address-confirmation link works.
pub const CONFIRMATION_DAYS: i64 = 7;

impl Alerting {
    /// Queues an account e-mail (not an alert): sent at once whatever the
    /// person's quiet hours, its body blanked once sent when it holds a
    /// secret link.
    fn account_mail(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        purpose: &'static str,
        to: (&str, &str, Option<&str>),
        composed: compose::Composed,
    ) -> Result<(), ApiError> {
        let (name, address, user_id) = to;
        self.queue_mail(
            connection,
            raised,
            &NewMessage {
                channel: EMAIL,
                purpose,
                alert_id: None,
                user_id: user_id.map(str::to_owned),
                address: address.to_owned(),
                recipient_name: name.to_owned(),
                subject: composed.subject,
                body_text: composed.text,
                body_html: Some(composed.html),
                unsubscribe_url: None,
                link: None,
                secret: true,
                urgent: false,
                not_before: now(),
            },
        )?;
        Ok(())
    }

    /// Sends a person a link to set a new password with `token`.
    pub fn password_reset_mail(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        user: &warren_store::accounts::UserRecord,
        token: &str,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!("/reset-password?token={token}"));
        let composed = compose::password_reset(&user.name, &url, RESET_MINUTES);
        self.account_mail(
            connection,
            raised,
            "password_reset",
            (&user.name, &user.email, Some(&user.id)),
            composed,
        )
    }

    /// Tells the owner of an address that has an account that someone
    /// applied with it (see `routes::organizations::apply`).
    pub fn already_registered_mail(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        user: &warren_store::accounts::UserRecord,
        organization: &str,
    ) -> Result<(), ApiError> {
        let url = self.url("/sign-in");
        let composed = compose::already_registered(&user.name, organization, &url);
        self.account_mail(
            connection,
            raised,
            "already_registered",
            (&user.name, &user.email, Some(&user.id)),
            composed,
        )
    }

    /// Sends a new account a link to confirm its address with `token`.
    pub fn confirmation_mail(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        user: &warren_store::accounts::UserRecord,
        token: &str,
    ) -> Result<(), ApiError> {
        let url = self.url(&format!("/confirm-email?token={token}"));
        let composed = compose::confirmation(&user.name, &url, CONFIRMATION_DAYS);
        self.account_mail(
            connection,
            raised,
            "email_confirmation",
            (&user.name, &user.email, Some(&user.id)),
            composed,
        )
    }

    /// E-mails an invitation's link to the person invited.
    #[expect(clippy::too_many_arguments, reason = "the words of one e-mail")]
    pub fn invitation_mail(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        email: &str,
        inviter: &str,
        organization: &str,
        role: Role,
        accept_url: &str,
        days: i64,
    ) -> Result<(), ApiError> {
        let role = match role {
            Role::NetworkAdmin => "a network admin",
            Role::OrgAdmin => "an admin",
            Role::Clinician => "a clinician",
            Role::Staff => "staff",
            Role::Volunteer => "a volunteer",
        };
        let composed = compose::invitation(inviter, organization, role, accept_url, days);
        self.account_mail(
            connection,
            raised,
            "invitation",
            (email, email, None),
            composed,
        )
    }

    /// Makes a confirmation token for `user` and e-mails its link.
    pub fn ask_to_confirm(
        &self,
        connection: &mut DbConnection,
        raised: &mut Raised,
        user: &warren_store::accounts::UserRecord,
    ) -> Result<(), ApiError> {
        let token = new_secret("wrc");
        warren_store::accounts::insert_account_token(
            connection,
            &user.id,
            warren_store::accounts::TokenPurpose::EmailConfirmation,
            &user.email,
            &digest(&token),
            now() + TimeDelta::days(CONFIRMATION_DAYS),
        )?;
        self.confirmation_mail(connection, raised, user, &token)
    }
}

/// Records an alert e-mail given up on the referral's timeline, with the
/// server's answer, so both sides see that it did not arrive.
pub fn delivery_failed(
    connection: &mut DbConnection,
    message: &MessageRecord,
    failure: Option<SendFailure>,
) -> Result<(), ApiError> {
    let Some(alert_id) = &message.alert_id else {
        return Ok(());
    };
    if let Some(referral) = store::referral_of_alert(connection, alert_id)? {
        let why = match failure {
            Some(SendFailure::Permanent(answer) | SendFailure::Transient(answer)) => answer,
            None => "no answer".to_owned(),
        };
        referral_store::log(
            connection,
            &referral,
            now(),
            WARREN,
            "alert_failed",
            None,
            None,
            Some(&format!(
                "The e-mail to {} could not be delivered after {} attempts: {why}",
                message.recipient_name, message.attempts
            )),
        )?;
    }
    Ok(())
}

/// "in Warren and by e-mail", as far as it went.
fn channels(recipient: &Recipient, delivered: Option<&Delivered>) -> &'static str {
    match (recipient, delivered) {
        (Recipient::Address { .. }, _) => "by e-mail",
        (Recipient::Person(_), Some(Delivered { emailed: true, .. })) => "in Warren and by e-mail",
        (Recipient::Person(person), _) if !person.email_confirmed => {
            "in Warren (no e-mail: the address is not confirmed)"
        }
        (Recipient::Person(_), _) => "in Warren",
    }
}

/// Why the person a chain names first is alerted.
fn first_reason(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::UrgentConsult => "the specialist asked",
        AlertKind::NoSuitableSite => "who sent the referral",
        AlertKind::BookingPreemptedToday => "who booked the kit",
        _ => "named first",
    }
}

/// The static name of a stored subject type.
fn subject_type(stored: &str) -> &'static str {
    match stored {
        "referral" => "referral",
        "consult" => "consult",
        "loan" => "loan",
        "site" => "site",
        _ => "other",
    }
}

/// A site's timezone and country, as stored.
pub fn place(timezone: &str, country: &str) -> Result<(Timezone, CountryCode), ApiError> {
    Ok((
        Timezone::parse(timezone)
            .map_err(|_| ApiError::Internal(format!("stored timezone {timezone:?}")))?,
        CountryCode::parse(country)
            .map_err(|_| ApiError::Internal(format!("stored country {country:?}")))?,
    ))
}

/// The timezone of someone who chose none: their first organization's
/// first site's.
fn default_timezone(connection: &mut DbConnection, user_id: &str) -> Result<Timezone, ApiError> {
    match store::home_timezone(connection, user_id)?.and_then(|name| Timezone::parse(&name).ok()) {
        Some(timezone) => Ok(timezone),
        None => fallback_timezone(),
    }
}

/// [`FALLBACK_TIMEZONE`].
fn fallback_timezone() -> Result<Timezone, ApiError> {
    Timezone::parse(FALLBACK_TIMEZONE)
        .map_err(|_| ApiError::Internal("no fallback timezone".into()))
}

fn organization_name(connection: &mut DbConnection, id: &str) -> Result<String, ApiError> {
    Ok(warren_store::organizations::find(connection, id)?.name)
}

/// "3 min 20 s", "45 s", "2 h 5 min".
pub fn duration_words(seconds: i64) -> String {
    match seconds {
        ..60 => format!("{seconds} s"),
        60..3600 if seconds % 60 == 0 => format!("{} min", seconds / 60),
        60..3600 => format!("{} min {} s", seconds / 60, seconds % 60),
        _ => format!("{} h {} min", seconds / 3600, (seconds % 3600) / 60),
    }
}

fn parse(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::Internal(format!("stored id {id:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration_words(45), "45 s");
        assert_eq!(duration_words(180), "3 min");
        assert_eq!(duration_words(200), "3 min 20 s");
        assert_eq!(duration_words(7500), "2 h 5 min");
    }
}
