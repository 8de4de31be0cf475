//! A list shown as a table, or one line saying it is empty.

use leptos::prelude::*;

/// The rows in a table that scrolls sideways on a narrow screen (and can
/// be scrolled from the keyboard), under one heading per column; when
/// there are none, `empty` in their place.
#[component]
pub fn ListTable(
    /// Whether there are no rows.
    is_empty: bool,
    /// What is said instead of an empty table.
    empty: &'static str,
    /// The columns' headings, in order.
    headings: &'static [&'static str],
    /// The rows (`<tr>`s).
    children: Children,
) -> impl IntoView {
    if is_empty {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0">
            <table>
                <thead>
                    <tr>
                        {headings
                            .iter()
                            .map(|heading| view! { <th scope="col">{*heading}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
    .into_any()
}
