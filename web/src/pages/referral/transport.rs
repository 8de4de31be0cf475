//! The transport leg: its steps, and arranging it.

use super::*;

/// The transport leg: its facts, the transport step, and the form to
/// arrange or change it.
#[component]
pub(super) fn TransportCard() -> impl IntoView {
    let page = use_page();
    let referral = page.referral;
    let arranging = page.arranging;
    let pending = page.change.pending();
    let open = Memo::new(move |_| {
        referral.with(|referral| referral.status.is_open() && referral.side != "coordinator")
    });
    let relevant = Memo::new(move |_| {
        referral.with(|referral| referral.transport.is_some() || referral.business_status.is_some())
    });
    let step = Memo::new(move |_| referral.with(|referral| referral.business_status));
    let has_leg = Memo::new(move |_| referral.with(|referral| referral.transport.is_some()));
    let leg = move || {
        referral
            .with(|referral| referral.transport.clone())
            .map(|leg| {
                let window = match (leg.window_starts, leg.window_ends) {
                    (Some(starts), Some(ends)) => Some(format!(
                        "{} – {}",
                        local_time::date_time(starts),
                        local_time::date_time(ends)
                    )),
                    (Some(starts), None) => Some(format!("from {}", local_time::date_time(starts))),
                    (None, Some(ends)) => Some(format!("by {}", local_time::date_time(ends))),
                    (None, None) => None,
                };
                view! {
                    <p class="leg-status">
                        <span class="badge badge-transport" data-testid="leg-status" data-leg-status=leg.status.as_str()>
                            {format!("Leg: {}", leg.status.label())}
                        </span>
                    </p>
                    <dl class="facts">
                        <Fact label="Pickup" value=Some(leg.pickup)/>
                        <Fact label="Drop-off" value=Some(leg.dropoff)/>
                        <Fact label="Window" value=window/>
                        <dt>"Driver"</dt>
                        <dd data-testid="driver">
                            {leg.driver.map_or_else(|| "Not chosen yet".to_owned(), |driver| driver.name)}
                        </dd>
                        <Fact label="Notes" value=leg.notes/>
                        <Fact label="Driver needed by" value=leg.needed_by.map(local_time::date_time)/>
                    </dl>
                }
            })
    };
    // Who can take a leg that waits for a driver, and the warning once the
    // time it was needed by has come with nobody driving.
    let reach = move || {
        referral
            .with(|referral| referral.transport_reach.clone())
            .map(|reach| {
                let count = reach.qualified_volunteers;
                let who = if count == 1 {
                    "1 qualified volunteer can see this leg".to_owned()
                } else {
                    format!("{count} qualified volunteers can see this leg")
                };
                let scope = if reach.shared {
                    "shared with the network's volunteers"
                } else if reach.network_shares {
                    "the two organizations' volunteers only"
                } else {
                    "the two organizations' volunteers only: the network does not share legs at the moment"
                };
                view! {
                    {reach.late.then(|| view! {
                        <div class="alert alert-warning" role="alert" data-testid="transport-late">
                            <p>"Nobody has taken this transport and the time it was needed by has come. Name a driver, share the leg with the network, or arrange the journey another way."</p>
                        </div>
                    })}
                    <p class="transport-reach" data-testid="transport-reach" data-count=count.to_string() data-shared=reach.shared.to_string()>
                        <strong>{who}</strong>
                        {format!(" — {scope}.")}
                    </p>
                }
            })
    };
    view! {
        <section class="card" aria-labelledby="transport-heading" data-testid="transport">
            <div class="card-header">
                <h2 id="transport-heading">"Transport"</h2>
                <Show when=move || open.get() && page.may_decide() && !arranging.get()>
                    <button
                        type="button"
                        class="button secondary small"
                        data-testid="arrange-transport"
                        on:click=move |_| arranging.set(true)
                    >
                        {move || if has_leg.get() { "Change transport" } else { "Arrange transport" }}
                    </button>
                </Show>
            </div>
            {leg}
            {reach}
            <Show when=move || !relevant.get() && !arranging.get()>
                <p class="empty">"No transport asked for."</p>
            </Show>
            <Show when=move || relevant.get() && open.get()>
                <div class="steps">
                    <h3 class="small-heading" id="step-heading">"Where the animal is"</h3>
                    <div class="step-buttons" role="group" aria-labelledby="step-heading">
                        {BusinessStatus::ALL
                            .iter()
                            .copied()
                            .map(|value| {
                                view! {
                                    <button
                                        type="button"
                                        class="step-button"
                                        data-testid="business-step"
                                        data-value=value.as_str()
                                        aria-pressed=move || (step.get() == Some(value)).to_string()
                                        disabled=move || pending.get()
                                        on:click=move |_| {
                                            if step.get_untracked() != Some(value) {
                                                page.change.dispatch(Change::Business(value));
                                            }
                                        }
                                    >
                                        {value.label()}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </div>
                </div>
            </Show>
            <Show when=move || arranging.get()>
                <TransportForm/>
            </Show>
        </section>
    }
}

/// The statuses a leg in `from` can reach, each with the moves that get
/// there (the lifecycle's rule, walked forward).
fn reachable(from: TransportStatus) -> Vec<(TransportStatus, Vec<TransportStatus>)> {
    let mut found: Vec<(TransportStatus, Vec<TransportStatus>)> = Vec::new();
    let mut queue = VecDeque::from([(from, Vec::new())]);
    while let Some((status, path)) = queue.pop_front() {
        for next in TransportStatus::ALL.iter().copied() {
            let known = next == from || found.iter().any(|(seen, _)| *seen == next);
            if known || status.check_transition(next).is_err() {
                continue;
            }
            let mut longer: Vec<TransportStatus> = path.clone();
            longer.push(next);
            found.push((next, longer.clone()));
            queue.push_back((next, longer));
        }
    }
    found
}

/// Arranging or changing the leg: pickup, drop-off, window, notes, a
/// driver from the caller's organization and the leg's status. A status
/// further along the lifecycle than the next one is reached step by step
/// (a new leg scheduled with its driver is first confirmed).
#[component]
fn TransportForm() -> impl IntoView {
    let page = use_page();
    let session = page.session;
    let shown = page.referral.get_untracked();
    let leg = shown.transport.clone();
    let text = |value: Option<String>| value.unwrap_or_default();
    let pickup = RwSignal::new(
        leg.as_ref()
            .map_or_else(|| party_name(&shown.referrer), |leg| leg.pickup.clone()),
    );
    let dropoff = RwSignal::new(
        leg.as_ref()
            .map_or_else(|| party_name(&shown.receiver), |leg| leg.dropoff.clone()),
    );
    let starts = RwSignal::new(text(
        leg.as_ref()
            .and_then(|leg| leg.window_starts)
            .map(local_time::to_input),
    ));
    let ends = RwSignal::new(text(
        leg.as_ref()
            .and_then(|leg| leg.window_ends)
            .map(local_time::to_input),
    ));
    let notes = RwSignal::new(text(leg.as_ref().and_then(|leg| leg.notes.clone())));
    let needed_by = RwSignal::new(text(
        leg.as_ref()
            .and_then(|leg| leg.needed_by)
            .map(local_time::to_input),
    ));
    // Who sees a leg without a driver is the referrer's choice; a new one is
    // shared with the network for tier 1–3 (the rule's default).
    let referrer = shown.side == "referrer";
    let shared = RwSignal::new(leg.as_ref().map_or_else(
        || shared_by_default(shown.priority),
        |leg| leg.shared_with_network,
    ));
    let driver = RwSignal::new(text(
        leg.as_ref()
            .and_then(|leg| leg.driver.as_ref())
            .map(|driver| driver.user_id.to_string()),
    ));
    let from = leg.as_ref().map_or(TransportStatus::New, |leg| leg.status);
    let paths = StoredValue::new(reachable(from));
    // A leg arranged by one of the two sides is agreed as needed.
    let initial = if leg.is_none() {
        TransportStatus::Confirmed
    } else {
        from
    };
    let status = RwSignal::new(initial.as_str().to_owned());
    let errors = page.transport_errors;
    errors.clear();
    let pending = page.change.pending();
    let own = page.own_organization();
    let members = LocalResource::new(move || async move {
        let Some(organization) = own else {
            return Vec::new();
        };
        let mut members = session
            .api()
            .members(organization)
            .await
            .map(|list| list.items)
            .unwrap_or_default();
        // Volunteers drive most legs: they come first.
        members.sort_by_key(|member| {
            (
                member.role != Role::Volunteer,
                member.user.name.to_lowercase(),
            )
        });
        members
    });
    let status_options = {
        let mut options = vec![from];
        if leg.is_none() {
            // A new leg may start anywhere its lifecycle reaches.
            options.clear();
            options.push(TransportStatus::New);
        }
        options.extend(
            paths.with_value(|paths| paths.iter().map(|(status, _)| *status).collect::<Vec<_>>()),
        );
        options
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        errors.clear();
        let pickup = errors.check("pickup", ShortText::parse(pickup.get_untracked()));
        let dropoff = errors.check("dropoff", ShortText::parse(dropoff.get_untracked()));
        let window_starts = local_time::from_input(&starts.get_untracked());
        let window_ends = local_time::from_input(&ends.get_untracked());
        if let (Some(starts), Some(ends)) = (window_starts, window_ends)
            && ends <= starts
        {
            errors.add("window_ends", "must be after the start");
        }
        let needed_by = local_time::from_input(&needed_by.get_untracked());
        if let (Some(needed_by), Some(ends)) = (needed_by, window_ends)
            && needed_by > ends
        {
            errors.add("needed_by", "must not be after the latest arrival");
        }
        let share_with_network = referrer.then(|| shared.get_untracked());
        let notes_text = notes.get_untracked();
        let notes = if notes_text.trim().is_empty() {
            None
        } else {
            errors.check("notes", ClinicalNote::parse(notes_text))
        };
        let driver_user_id = Uuid::parse_str(&driver.get_untracked()).ok();
        let target = TransportStatus::parse(&status.get_untracked()).unwrap_or(from);
        if target == TransportStatus::Scheduled && driver_user_id.is_none() {
            errors.add("driver_user_id", "choose a driver to schedule");
        }
        let (Some(pickup), Some(dropoff)) = (pickup, dropoff) else {
            reveal_problem();
            return;
        };
        if !errors.is_empty() {
            reveal_problem();
            return;
        }
        let path: Vec<TransportStatus> = paths.with_value(|paths| {
            paths
                .iter()
                .find(|(status, _)| *status == target)
                .map(|(_, path)| path.clone())
                .unwrap_or_default()
        });
        let request = |status: Option<TransportStatus>| TransportRequest {
            pickup: pickup.clone(),
            dropoff: dropoff.clone(),
            window_starts,
            window_ends,
            notes: notes.clone(),
            driver_user_id,
            status,
            share_with_network,
            needed_by,
        };
        let steps: Vec<TransportRequest> = if path.is_empty() {
            vec![request(None)]
        } else {
            path.into_iter()
                .map(|status| request(Some(status)))
                .collect()
        };
        page.change.dispatch(Change::Transport(steps));
    };
    view! {
        <form class="transport-form" data-testid="transport-form" novalidate on:submit=submit>
            <div class="form-grid two">
                <TextField id="pickup" label="Pickup" value=pickup required=true error=errors.of("pickup")/>
                <TextField id="dropoff" label="Drop-off" value=dropoff required=true error=errors.of("dropoff")/>
                <div class="field">
                    <label for="window-starts">"Earliest pickup"</label>
                    <input id="window-starts" type="datetime-local" bind:value=starts/>
                    {move || errors.of("window_starts").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for="window-ends">"Latest arrival"</label>
                    <input
                        id="window-ends"
                        type="datetime-local"
                        aria-invalid=move || errors.of("window_ends").get().is_some().then_some("true")
                        bind:value=ends
                    />
                    {move || errors.of("window_ends").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for="driver">"Driver"</label>
                    <select
                        id="driver"
                        aria-invalid=move || errors.of("driver_user_id").get().is_some().then_some("true")
                        on:change=move |event| driver.set(event_target_value(&event))
                    >
                        <option value="" prop:selected=move || driver.with(String::is_empty)>
                            "Not chosen yet"
                        </option>
                        {move || {
                            members
                                .get()
                                .unwrap_or_default()
                                .into_iter()
                                .map(|member| {
                                    let id = member.user.id.to_string();
                                    let chosen = id.clone();
                                    view! {
                                        <option value=id prop:selected=move || driver.with(|driver| *driver == chosen)>
                                            {format!("{} — {}", member.user.name, member.role.label())}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                    <p class="hint">"From your organization's members; volunteers first. Leave the leg confirmed without a driver to ask a volunteer: the two organizations' volunteers with a valid transport skill see it on their Volunteering page, and so does every such volunteer of the network when the leg is shared."</p>
                    {move || errors.of("driver_user_id").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for="leg-status">"Leg status"</label>
                    <select id="leg-status" on:change=move |event| status.set(event_target_value(&event))>
                        {status_options
                            .into_iter()
                            .map(|option| {
                                let value = option.as_str();
                                view! {
                                    <option value=value prop:selected=move || status.with(|status| status == value)>
                                        {option.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <p class="hint">"Scheduled: a driver and a time are set."</p>
                    {move || errors.of("status").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
                <div class="field">
                    <label for="needed-by">"Driver needed by"</label>
                    <input
                        id="needed-by"
                        type="datetime-local"
                        aria-invalid=move || errors.of("needed_by").get().is_some().then_some("true")
                        bind:value=needed_by
                    />
                    <p class="hint">"If nobody has taken the leg by then, the referral shows a warning and your organization is alerted. Empty: the earliest pickup."</p>
                    {move || errors.of("needed_by").get().map(|error| view! { <p class="field-error">{error}</p> })}
                </div>
            </div>
            <Show when=move || referrer>
                <label class="checkbox" for="share-with-network">
                    <input id="share-with-network" type="checkbox" data-testid="share-with-network" bind:checked=shared/>
                    <span>"Offer the leg to every volunteer of the network with a valid transport skill, not only our own and the receiver's"</span>
                </label>
            </Show>
            <TextArea id="transport-notes" label="Notes for the driver" value=notes error=errors.of("notes")/>
            <div class="form-actions">
                <button type="submit" class="button primary" data-testid="save-transport" disabled=move || pending.get()>
                    "Save transport"
                </button>
                <button type="button" class="button secondary" on:click=move |_| page.arranging.set(false)>
                    "Cancel"
                </button>
            </div>
        </form>
    }
}
