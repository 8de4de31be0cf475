//! The knowledge library: articles, their versions, search and the Markdown
//! preview. The rules live in [`warren_domain::library`]; these are the
//! shapes on the wire.
//!
//! Article bodies travel as Markdown (`body_markdown`) and, in answers, as
//! HTML the server rendered and sanitised (`body_html`): no scripts, no
//! event handlers, no `javascript:` links, no styles. Show `body_html` as
//! it is; never render `body_markdown` yourself into a page.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use warren_domain::directory::taxonomy::TermCode;
pub use warren_domain::library::{
    ArticleBody, ArticleKind, ArticleSummary, ArticleTitle, ChangeNote, Topic, Visibility,
};

/// Write a new article (the organization's admins, clinicians and staff).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateArticleRequest {
    /// The owning organization; may be left out when the caller writes for
    /// exactly one.
    #[serde(default)]
    pub organization_id: Option<Uuid>,
    /// What the article is.
    pub kind: ArticleKind,
    /// `network` (everyone in the network reads it) or `organization` (only
    /// the owner's members do).
    pub visibility: Visibility,
    /// The title, 3–160 characters.
    pub title: ArticleTitle,
    /// A one-paragraph summary shown in search results, up to 400 characters.
    #[serde(default)]
    pub summary: Option<ArticleSummary>,
    /// The body in Markdown, up to 40,000 characters.
    pub body_markdown: ArticleBody,
    /// Species codes from the directory's vocabulary (`small_mammal/degu`,
    /// or a whole group such as `wildlife`); at most 12.
    #[serde(default)]
    pub species: Vec<TermCode>,
    /// Free topics, normalised to lower-case hyphenated words
    /// (`"Heat stress"` → `heat-stress`); at most 12.
    #[serde(default)]
    pub topics: Vec<Topic>,
    /// A note for the first version (default "First version").
    #[serde(default)]
    pub change_note: Option<ChangeNote>,
}

/// Write the next version of an article (`If-Match` required). Every field
/// is replaced; the old version stays in the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateArticleRequest {
    /// What the article is.
    pub kind: ArticleKind,
    /// Who reads it.
    pub visibility: Visibility,
    /// The title.
    pub title: ArticleTitle,
    /// The summary.
    #[serde(default)]
    pub summary: Option<ArticleSummary>,
    /// The body in Markdown.
    pub body_markdown: ArticleBody,
    /// Species codes.
    #[serde(default)]
    pub species: Vec<TermCode>,
    /// Topics.
    #[serde(default)]
    pub topics: Vec<Topic>,
    /// What this edit changes, for the history (default "Edited").
    #[serde(default)]
    pub change_note: Option<ChangeNote>,
}

/// An article as its reader sees it, with the body rendered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Article {
    /// Stable identifier.
    pub id: Uuid,
    /// The owning organization.
    pub organization_id: Uuid,
    /// Its name.
    pub organization_name: String,
    /// What the article is.
    pub kind: ArticleKind,
    /// Who reads it.
    pub visibility: Visibility,
    /// The title.
    pub title: String,
    /// The summary.
    pub summary: Option<String>,
    /// The body in Markdown, as written.
    pub body_markdown: String,
    /// The body rendered to sanitised HTML, safe to insert into a page.
    pub body_html: String,
    /// Species codes.
    pub species: Vec<String>,
    /// Topics.
    pub topics: Vec<String>,
    /// Who wrote the first version.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Who wrote the current version.
    pub updated_by: String,
    /// When.
    pub updated_at: DateTime<Utc>,
    /// When it was archived; an archived article is out of search and can
    /// no longer be edited.
    pub archived_at: Option<DateTime<Utc>>,
    /// Whether the caller may edit and archive it.
    pub can_edit: bool,
    /// The current version's number; send it as `If-Match`.
    pub version: i64,
}

/// Part of a search snippet: plain text, or a word that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnippetPart {
    /// The text.
    pub text: String,
    /// Whether it matched the query.
    pub highlight: bool,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleHit {
    /// The article.
    pub id: Uuid,
    /// The owning organization.
    pub organization_id: Uuid,
    /// Its name.
    pub organization_name: String,
    /// What the article is.
    pub kind: ArticleKind,
    /// Who reads it.
    pub visibility: Visibility,
    /// The title.
    pub title: String,
    /// The summary.
    pub summary: Option<String>,
    /// Species codes.
    pub species: Vec<String>,
    /// Topics.
    pub topics: Vec<String>,
    /// The passage that matched a text query, matched words marked; empty
    /// without a query.
    pub snippet: Vec<SnippetPart>,
    /// Relevance to a text query (higher is better; only comparable within
    /// one answer).
    pub rank: Option<f64>,
    /// Who wrote the current version.
    pub updated_by: String,
    /// When.
    pub updated_at: DateTime<Utc>,
    /// The current version's number.
    pub version: i64,
}

/// What the library is searched for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ArticleQuery {
    /// Words to find, in web-search syntax: words are all required,
    /// `"quoted phrases"` stay together, `-word` excludes. English stemming
    /// applies ("degus" finds "degu"). Without it, articles come most
    /// recently changed first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Only this kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ArticleKind>,
    /// Only articles about this species or group (a group matches its
    /// species; a species matches articles tagged with its group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub species: Option<String>,
    /// Only articles with this topic (normalised like topics are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// Only network-wide or only organization-private articles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<Visibility>,
    /// Only this organization's articles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<Uuid>,
    /// The `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Results per page, 1–200 (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// A page of search results: best match first for a text query, otherwise
/// most recently changed first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticlePage {
    /// The results.
    pub items: Vec<ArticleHit>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// One entry of an article's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleVersionEntry {
    /// The version's number.
    pub number: i64,
    /// The title it had.
    pub title: String,
    /// What changed.
    pub change_note: String,
    /// Who wrote it.
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// An article's history, newest version first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleVersionList {
    /// The article.
    pub article_id: Uuid,
    /// The current version's number.
    pub current: i64,
    /// Every version.
    pub items: Vec<ArticleVersionEntry>,
}

/// One version of an article, as it was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticleVersion {
    /// The article.
    pub article_id: Uuid,
    /// The version's number.
    pub number: i64,
    /// Whether it is the current version.
    pub current: bool,
    /// What the article was.
    pub kind: ArticleKind,
    /// Who could read it.
    pub visibility: Visibility,
    /// The title.
    pub title: String,
    /// The summary.
    pub summary: Option<String>,
    /// The body in Markdown.
    pub body_markdown: String,
    /// The body rendered to sanitised HTML.
    pub body_html: String,
    /// Species codes.
    pub species: Vec<String>,
    /// Topics.
    pub topics: Vec<String>,
    /// What changed.
    pub change_note: String,
    /// Who wrote it.
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Markdown to render, for an editor's preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    /// The body in Markdown.
    pub body_markdown: ArticleBody,
}

/// Rendered Markdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewResponse {
    /// The body rendered to sanitised HTML, exactly as the article would show it.
    pub body_html: String,
}
