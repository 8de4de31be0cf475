//! The route table: every handler, grouped by resource.
//!
//! Handlers are thin: extract the caller and the input, ask the domain rules,
//! call the store off the async workers, answer. The same table builds the
//! server and the OpenAPI document ([`crate::openapi`]).

pub mod alerts;
pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod care;
pub mod dashboard;
pub mod directory;
pub mod health;
pub mod invitations;
pub mod lending;
pub mod library;
pub mod me;
pub mod members;
pub mod on_call;
pub mod organizations;
pub mod people;
pub mod places;
pub mod public;
pub mod recovery;
pub mod referrals;
pub mod sessions;
pub mod sites;
pub mod specialists;
pub mod supplies;
pub mod triage;
pub mod webhooks;

use utoipa_actix_web::scope;
use utoipa_actix_web::service_config::ServiceConfig;

/// Cursors and page sizes shared by list endpoints.
pub mod paging {
    use crate::error::ApiError;
    use warren_wire::ErrorCode;

    /// The page size asked for, 1–200, default 50.
    pub fn limit(limit: Option<u32>) -> Result<i64, ApiError> {
        match limit {
            None => Ok(50),
            Some(limit @ 1..=warren_wire::MAX_PAGE_SIZE) => Ok(i64::from(limit)),
            Some(_) => Err(ApiError::bad_request(
                ErrorCode::InvalidQuery,
                format!(
                    "limit must be between 1 and {}.",
                    warren_wire::MAX_PAGE_SIZE
                ),
            )),
        }
    }

    /// The position a keyset `cursor` stands for (the id or number of the
    /// last item of the previous page), `None` without one; a cursor that
    /// does not parse is a 400.
    pub fn cursor<T: std::str::FromStr>(cursor: Option<&str>) -> Result<Option<T>, ApiError> {
        cursor
            .map(|cursor| {
                cursor.parse::<T>().map_err(|_| {
                    ApiError::bad_request(
                        ErrorCode::InvalidQuery,
                        "cursor is not a cursor this server sent.",
                    )
                })
            })
            .transpose()
    }

    /// The id a keyset `cursor` of ids stands for, as stored; see
    /// [`cursor`].
    pub fn id_cursor(cursor: Option<&str>) -> Result<Option<String>, ApiError> {
        Ok(self::cursor::<uuid::Uuid>(cursor)?.map(|id| id.to_string()))
    }

    /// The offset an offset `cursor` stands for (0 without one); a cursor
    /// Warren did not give is a 400.
    pub fn offset(cursor: Option<&str>) -> Result<i64, ApiError> {
        match cursor {
            None => Ok(0),
            Some(cursor) => cursor
                .parse::<i64>()
                .ok()
                .filter(|offset| *offset >= 0)
                .ok_or_else(|| {
                    ApiError::bad_request(
                        ErrorCode::InvalidCursor,
                        "The cursor is not one Warren gave.",
                    )
                }),
        }
    }

    /// A page of `limit` items out of `limit + 1` loaded, with the cursor of
    /// the next page when there is one.
    pub fn page<T>(
        mut items: Vec<T>,
        limit: i64,
        cursor_of: impl Fn(&T) -> String,
    ) -> (Vec<T>, Option<String>) {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        if items.len() > limit {
            items.truncate(limit);
            let next = items.last().map(cursor_of);
            (items, next)
        } else {
            (items, None)
        }
    }
}

/// The query filters searches share, each refused with a 400 that names it.
pub mod filters {
    use warren_domain::directory::taxonomy::TermCode;

    use crate::error::ApiError;

    /// The most characters a search's words (`q`) may have.
    pub const MAX_WORDS: usize = 200;

    /// The `species` filter: a species or group code such as
    /// `small_mammal/degu`.
    pub fn species(text: Option<&str>) -> Result<Option<TermCode>, ApiError> {
        text.map(|text| {
            TermCode::parse(text)
                .map_err(|_| ApiError::invalid_filter("species", "is not a species code"))
        })
        .transpose()
    }

    /// The `q` filter: words to look for, at most [`MAX_WORDS`] characters.
    pub fn words(text: Option<&str>) -> Result<Option<&str>, ApiError> {
        match text {
            Some(text) if text.chars().count() > MAX_WORDS => Err(ApiError::invalid_filter(
                "q",
                &format!("must be at most {MAX_WORDS} characters"),
            )),
            text => Ok(text),
        }
    }
}

/// Registers every `/api/v1` route.
pub fn api(config: &mut ServiceConfig) {
    config.service(
        scope("/api/v1")
            .service(sessions::login)
            .service(sessions::refresh)
            .service(sessions::logout)
            .service(recovery::request_reset)
            .service(recovery::reset_password)
            .service(recovery::request_confirmation)
            .service(recovery::confirm)
            .service(alerts::inbox)
            .service(alerts::summary)
            .service(alerts::mark_read)
            .service(alerts::acknowledge)
            .service(alerts::preview_by_token)
            .service(alerts::acknowledge_by_token)
            .service(alerts::unsubscribe)
            .service(alerts::read_preferences)
            .service(alerts::save_preferences)
            .service(alerts::my_shifts)
            .service(alerts::acknowledge_times)
            .service(alerts::set_acknowledge_times)
            .service(me::read)
            .service(me::update)
            .service(organizations::apply)
            .service(organizations::list)
            // Before `read`, whose `{id}` would take the word.
            .service(organizations::pending_applications)
            .service(organizations::read)
            .service(organizations::update)
            .service(organizations::change_membership)
            .service(sites::list)
            .service(sites::create)
            .service(sites::read)
            .service(sites::update)
            .service(sites::set_capacity)
            .service(sites::assure)
            .service(sites::history)
            .service(on_call::read)
            .service(on_call::save)
            .service(directory::search)
            .service(directory::audit_queue)
            .service(directory::terms)
            .service(directory::create_term)
            .service(places::load)
            .service(triage::current_protocol)
            .service(triage::protocol_versions)
            .service(triage::protocol_version)
            .service(triage::publish_protocol)
            .service(triage::evaluate)
            .service(triage::create)
            .service(triage::list)
            .service(triage::read)
            .service(triage::read_variant)
            .service(triage::put_variant)
            .service(triage::delete_variant)
            .service(referrals::create)
            .service(referrals::list)
            .service(referrals::read)
            .service(referrals::transition)
            .service(referrals::record_outcome)
            .service(referrals::arrange_transport)
            .service(referrals::set_business_status)
            .service(referrals::timeline)
            .service(referrals::messages)
            .service(referrals::post_message)
            .service(referrals::answer_times)
            .service(referrals::set_answer_times)
            .service(referrals::transport_sharing)
            .service(referrals::set_transport_sharing)
            .service(referrals::contact_retention)
            .service(referrals::set_contact_retention)
            .service(referrals::erase_contact)
            .service(referrals::stream_ticket)
            .service(referrals::event_stream)
            .service(referrals::metrics)
            .service(lending::create_item)
            .service(lending::list_items)
            .service(lending::search_catalog)
            .service(lending::read_item)
            .service(lending::update_item)
            .service(lending::item_calendar)
            .service(lending::list_maintenance_plans)
            .service(lending::create_maintenance_plan)
            .service(lending::record_maintenance)
            .service(lending::request_loan)
            .service(lending::list_loans)
            .service(lending::loan_queue)
            .service(lending::read_loan)
            .service(lending::loan_alternatives)
            .service(lending::loan_timeline)
            .service(lending::approve_loan)
            .service(lending::decline_loan)
            .service(lending::cancel_loan)
            .service(lending::checkout_loan)
            .service(lending::return_loan)
            .service(library::create_article)
            .service(library::search_articles)
            .service(library::preview_article)
            .service(library::read_article)
            .service(library::update_article)
            .service(library::archive_article)
            .service(library::list_versions)
            .service(library::read_version)
            .service(people::read_my_profile)
            .service(people::save_my_profile)
            .service(people::my_assignments)
            .service(people::roster)
            .service(people::unassigned_transports)
            .service(people::accept_transport)
            .service(people::decline_transport)
            .service(people::create_placement)
            .service(people::list_placements)
            .service(people::read_placement)
            .service(people::transition_placement)
            .service(specialists::read_my_profile)
            .service(specialists::put_my_profile)
            .service(specialists::search_specialists)
            .service(specialists::read_specialist)
            .service(specialists::request_consult)
            .service(specialists::referral_consults)
            .service(specialists::my_consults)
            .service(specialists::read_consult)
            .service(specialists::answer_consult)
            .service(specialists::decline_consult)
            .service(specialists::cancel_consult)
            .service(referrals::create_status_link)
            .service(referrals::list_status_links)
            .service(referrals::revoke_status_link)
            .service(referrals::post_status_update)
            .service(referrals::list_status_updates)
            .service(attachments::attach_to_referral)
            .service(attachments::attach_to_consult)
            .service(attachments::referral_attachments)
            .service(attachments::consult_attachments)
            .service(attachments::read_attachment)
            .service(attachments::attachment_content)
            .service(attachments::attachment_thumbnail)
            .service(attachments::remove_attachment)
            .service(care::start_record)
            .service(care::read_record)
            .service(care::update_patient)
            .service(care::add_entry)
            .service(care::resolve_problem)
            .service(care::change_stage)
            .service(care::create_plan)
            .service(care::meet_item)
            .service(care::list_patients)
            .service(members::list)
            .service(members::change_role)
            .service(members::remove)
            .service(invitations::list)
            .service(invitations::create)
            .service(invitations::revoke)
            .service(invitations::preview)
            .service(invitations::accept)
            .service(api_keys::list)
            .service(api_keys::create)
            .service(api_keys::revoke)
            .service(webhooks::list)
            .service(webhooks::create)
            .service(webhooks::revoke)
            .service(webhooks::deliveries)
            .service(webhooks::redeliver)
            .service(supplies::create_offer)
            .service(supplies::organization_offers)
            .service(supplies::search)
            .service(supplies::read_offer)
            .service(supplies::update_offer)
            .service(supplies::withdraw_offer)
            .service(supplies::queue)
            .service(supplies::create_request)
            .service(supplies::organization_requests)
            .service(supplies::read_request)
            .service(supplies::fulfil_request)
            .service(supplies::transition_request)
            .service(audit::list)
            .service(dashboard::read)
            .service(dashboard::csv)
            .service(
                scope("/public")
                    .wrap(public::cors())
                    .service(public::search)
                    .service(public::site)
                    .service(public::taxonomy)
                    .service(places::lookup)
                    .service(referrals::read_case_status)
                    .service(public::report),
            ),
    );
    crate::hsds::routes(config);
    config.service(health::live).service(health::ready);
}
