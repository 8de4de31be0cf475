//! Files on a case: the photos, radiographs, lab reports and short videos
//! that travel with a referral, a message in its case thread or a consult.
//!
//! What a file *is* is decided here, from its first bytes ([`sniff`]), never
//! from its name or the type its sender claims: a script renamed
//! `wound.jpg` is refused in the browser before it is sent and again by the
//! server. Only the types below are kept; each has one kind that decides how
//! it is shown ([`AttachmentKind`]). The server re-encodes every image (so
//! nothing in a phone photo's metadata, such as where it was taken, is kept)
//! and makes a thumbnail once.

use crate::text::{check_length, single_line};

/// The largest file kept unless the deployment says otherwise: 25 MB.
pub const DEFAULT_MAX_BYTES: u64 = 25 * 1024 * 1024;

/// The widest and tallest image accepted, in pixels: a 40-megapixel camera
/// fits, an image made to exhaust memory when decoded does not.
pub const MAX_IMAGE_SIDE: u32 = 12_000;

/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;

codes!(
    /// How a file is shown.
    AttachmentKind {
        /// A photo or a radiograph: shown in the image viewer.
        Image = "image", "Image";
        /// A document: shown inline as a PDF.
        Pdf = "pdf", "PDF";
        /// A short video: played in the page.
        Video = "video", "Video";
    }
);

codes!(
    /// The file types Warren keeps, by their content.
    MediaType {
        /// A JPEG image.
        Jpeg = "image/jpeg", "JPEG image";
        /// A PNG image.
        Png = "image/png", "PNG image";
        /// A WebP image.
        Webp = "image/webp", "WebP image";
        /// A PDF document.
        Pdf = "application/pdf", "PDF document";
        /// An MP4 video.
        Mp4 = "video/mp4", "MP4 video";
        /// A QuickTime video, as iPhones record.
        QuickTime = "video/quicktime", "QuickTime video";
        /// A WebM video.
        Webm = "video/webm", "WebM video";
    }
);

impl MediaType {
    /// How a file of this type is shown.
    pub fn kind(self) -> AttachmentKind {
        match self {
            Self::Jpeg | Self::Png | Self::Webp => AttachmentKind::Image,
            Self::Pdf => AttachmentKind::Pdf,
            Self::Mp4 | Self::QuickTime | Self::Webm => AttachmentKind::Video,
        }
    }

    /// The file name extension for this type.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
            Self::Pdf => "pdf",
            Self::Mp4 => "mp4",
            Self::QuickTime => "mov",
            Self::Webm => "webm",
        }
    }

    /// The type of a file from its first bytes (a few kilobytes are enough),
    /// or `None` for anything Warren does not keep.
    pub fn sniff(content: &[u8]) -> Option<Self> {
        let found = infer::get(content)?;
        Self::ALL
            .iter()
            .copied()
            .find(|media_type| media_type.as_str() == found.mime_type())
    }
}

/// Why a file was refused before anything was stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// Nothing was sent.
    #[error("is empty")]
    Empty,
    /// Larger than the deployment keeps.
    #[error("is larger than {} MB", .0 / (1024 * 1024))]
    TooLarge(u64),
    /// Its content is none of the types kept, whatever its name says.
    #[error(
        "is not a JPEG, PNG or WebP image, a PDF, or an MP4, QuickTime or WebM video (judged by \
         its content, not its name)"
    )]
    UnsupportedType,
    /// An image that cannot be decoded: truncated or damaged.
    #[error("is an image that cannot be read (damaged or cut short)")]
    UnreadableImage,
    /// An image too large to decode safely.
    #[error("is an image larger than {MAX_IMAGE_SIDE} pixels on a side")]
    ImageTooLarge,
}

/// Checks what can be checked of a file before it is read whole: its size
/// against `max_bytes` and its type from its first bytes.
pub fn check_file(head: &[u8], size: u64, max_bytes: u64) -> Result<MediaType, FileError> {
    if size == 0 {
        return Err(FileError::Empty);
    }
    if size > max_bytes {
        return Err(FileError::TooLarge(max_bytes));
    }
    MediaType::sniff(head).ok_or(FileError::UnsupportedType)
}

/// The name a file is offered under when downloaded: the sender's name kept
/// to letters, digits, spaces, dots, dashes and underscores (at most 80
/// characters), with the extension of its real type. A name with nothing
/// left becomes `attachment`.
pub fn safe_file_name(name: &str, media_type: MediaType) -> String {
    let stem = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .rsplit_once('.')
        .map_or(name, |(stem, _)| stem);
    let stem: String = stem
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))
        .take(80)
        .collect();
    let stem = stem.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let stem = if stem.is_empty() { "attachment" } else { stem };
    format!("{stem}.{}", media_type.extension())
}

validated_text!(
    /// What a file shows, in words: "Lateral radiograph, day 3". 1–300
    /// characters on one line.
    Caption,
    "text",
    |input| {
        let text = input.trim().to_owned();
        check_length(&text, 1, 300).and(single_line(&text)).map(|()| text)
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = b"\xff\xd8\xff\xe0\0\x10JFIF\0";
    const PDF: &[u8] = b"%PDF-1.7\n";

    #[test]
    fn the_type_comes_from_the_content() {
        assert_eq!(MediaType::sniff(PNG), Some(MediaType::Png));
        assert_eq!(MediaType::sniff(JPEG), Some(MediaType::Jpeg));
        assert_eq!(MediaType::sniff(PDF), Some(MediaType::Pdf));
        assert_eq!(
            MediaType::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(MediaType::Webp)
        );
        assert_eq!(
            MediaType::sniff(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom"),
            Some(MediaType::Mp4)
        );
        // A script, a zip and an SVG (which can carry script) are refused.
        assert_eq!(MediaType::sniff(b"<script>alert(1)</script>"), None);
        assert_eq!(MediaType::sniff(b"PK\x03\x04\x14\0\0\0"), None);
        assert_eq!(
            MediaType::sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\">"),
            None
        );
    }

    #[test]
    fn size_and_type_are_checked_before_the_content() {
        assert_eq!(check_file(PNG, 0, 100), Err(FileError::Empty));
        assert_eq!(check_file(PNG, 101, 100), Err(FileError::TooLarge(100)));
        assert_eq!(
            check_file(b"hello", 5, 100),
            Err(FileError::UnsupportedType)
        );
        assert_eq!(check_file(PDF, 9, 100), Ok(MediaType::Pdf));
    }

    #[test]
    fn a_file_name_keeps_only_safe_characters_and_its_real_extension() {
        assert_eq!(
            safe_file_name("wound day 3.JPG", MediaType::Jpeg),
            "wound day 3.jpg"
        );
        assert_eq!(safe_file_name("notes.exe", MediaType::Pdf), "notes.pdf");
        assert_eq!(
            safe_file_name("../../etc/\"pass\"wd;.png", MediaType::Png),
            "passwd.png"
        );
        assert_eq!(safe_file_name("C:\\photos\\x.png", MediaType::Png), "x.png");
        assert_eq!(
            safe_file_name("\u{202e}.png", MediaType::Png),
            "attachment.png"
        );
        assert_eq!(safe_file_name("", MediaType::Webm), "attachment.webm");
        assert!(safe_file_name(&"a".repeat(500), MediaType::Png).len() <= 84);
    }

    #[test]
    fn a_caption_is_one_line() {
        assert!(Caption::parse("Lateral radiograph, day 3").is_ok());
        assert!(Caption::parse("two\nlines").is_err());
        assert!(Caption::parse(" ").is_err());
        assert!(Caption::parse("x".repeat(301)).is_err());
    }
}
