//! Who is on the other end of a request: the client's address, seen through
//! the reverse proxies Warren is told to trust.
//!
//! In production a proxy terminates TLS in front of Warren, so every
//! connection comes from the proxy's address. Per-client rate limits keyed on
//! that address would put every visitor in one bucket. A trusted proxy says
//! who its client was in a forwarding header; Warren believes that header only
//! when the connection comes from a proxy listed in `WARREN_TRUSTED_PROXIES`,
//! and then takes the **right-most hop that is not itself a trusted proxy**.
//! Hops further left were written by the client (anyone can send the header)
//! and are never believed. From any other peer the header is ignored, so a
//! client talking to Warren directly cannot pick its own rate-limit bucket.

use std::net::IpAddr;
use std::str::FromStr;

use actix_web::HttpRequest;
use ipnet::IpNet;

/// Which forwarding header the trusted proxies write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ForwardedHeader {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx's
    /// `$proxy_add_x_forwarded_for`, Caddy, most load balancers).
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=client;proto=https, for=proxy1`.
    Forwarded,
}

impl FromStr for ForwardedHeader {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "x-forwarded-for" => Ok(Self::XForwardedFor),
            "forwarded" => Ok(Self::Forwarded),
            other => Err(format!(
                "the forwarding header must be x-forwarded-for or forwarded, not {other:?}"
            )),
        }
    }
}

/// The proxies whose forwarding header Warren believes.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies {
    networks: Vec<IpNet>,
    header: ForwardedHeader,
}

impl TrustedProxies {
    /// Reads a list of addresses and networks (`10.0.0.5, 10.1.0.0/16,
    /// ::1`), separated by commas or spaces; a bare address is a network of
    /// one. An empty list trusts nobody.
    pub fn parse(list: &str, header: ForwardedHeader) -> Result<Self, String> {
        let networks = list
            .split([',', ' ', '\t', '\n'])
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{item:?} is neither an address nor a network (CIDR)"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { networks, header })
    }

    /// Whether `address` is one of the trusted proxies.
    pub fn trusts(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.networks
            .iter()
            .any(|network| network.contains(&address))
    }

    /// The client's address for a connection from `peer` that carried these
    /// forwarding header values (in the order they arrived): the right-most
    /// hop that is not a trusted proxy, or `peer` itself when `peer` is not
    /// trusted. A hop that is not an address (`unknown`, an obfuscated name)
    /// ends the walk: it is what the last trusted proxy saw, so it is the key.
    pub fn client(&self, peer: IpAddr, values: &[&str]) -> String {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer.to_string();
        }
        let hops: Vec<&str> = match self.header {
            ForwardedHeader::XForwardedFor => values
                .iter()
                .flat_map(|value| value.split(','))
                .map(str::trim)
                .filter(|hop| !hop.is_empty())
                .collect(),
            ForwardedHeader::Forwarded => values
                .iter()
                .flat_map(|value| value.split(','))
                .filter_map(forwarded_for)
                .collect(),
        };
        let mut client = peer.to_string();
        for hop in hops.iter().rev() {
            match hop_address(hop) {
                Some(address) if self.trusts(address) => client = canonical(address).to_string(),
                Some(address) => return canonical(address).to_string(),
                None => return (*hop).to_owned(),
            }
        }
        // Every hop was a trusted proxy: the left-most one is the closest
        // thing to a client there is.
        client
    }
}

/// The client's address for `request`, the key of per-client rate limits
/// (see the module's documentation).
pub fn client_address(request: &HttpRequest, proxies: &TrustedProxies) -> String {
    let Some(peer) = request.peer_addr().map(|address| address.ip()) else {
        return String::new();
    };
    let name = match proxies.header {
        ForwardedHeader::XForwardedFor => "x-forwarded-for",
        ForwardedHeader::Forwarded => "forwarded",
    };
    let values: Vec<&str> = request
        .headers()
        .get_all(name)
        .filter_map(|value| value.to_str().ok())
        .collect();
    proxies.client(peer, &values)
}

/// The `for=` value of one `Forwarded` element, unquoted.
fn forwarded_for(element: &str) -> Option<&str> {
    element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("for")
            .then(|| value.trim().trim_matches('"'))
    })
}

/// The address of one hop, without a port or IPv6 brackets.
fn hop_address(hop: &str) -> Option<IpAddr> {
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(address);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, port) = hop.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<IpAddr>().ok()
}

/// IPv4 addresses arriving as IPv6-mapped (`::ffff:10.0.0.1`) compare as IPv4.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let proxies = TrustedProxies::parse("10.0.0.0/8", ForwardedHeader::XForwardedFor).unwrap();
        assert_eq!(
            proxies.client(ip("203.0.113.9"), &["198.51.100.1"]),
            "203.0.113.9"
        );
        let nobody = TrustedProxies::default();
        assert_eq!(
            nobody.client(ip("127.0.0.1"), &["198.51.100.1"]),
            "127.0.0.1"
        );
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let proxies =
            TrustedProxies::parse("10.0.0.1, 10.0.0.2", ForwardedHeader::XForwardedFor).unwrap();
        // The client wrote "1.1.1.1" itself; the edge proxy appended the
        // address it saw, and an inner proxy appended the edge's.
        assert_eq!(
            proxies.client(ip("10.0.0.2"), &["1.1.1.1, 198.51.100.7", "10.0.0.1"]),
            "198.51.100.7"
        );
        assert_eq!(proxies.client(ip("10.0.0.1"), &[]), "10.0.0.1");
        assert_eq!(proxies.client(ip("10.0.0.1"), &["10.0.0.2"]), "10.0.0.2");
        assert_eq!(proxies.client(ip("10.0.0.1"), &["unknown"]), "unknown");
    }

    #[test]
    fn forwarded_elements_give_their_for_address() {
        let proxies = TrustedProxies::parse("::1 127.0.0.1", ForwardedHeader::Forwarded).unwrap();
        assert_eq!(
            proxies.client(
                ip("::ffff:127.0.0.1"),
                &["for=1.1.1.1, For=\"[2001:db8:cafe::17]:4711\";proto=https"]
            ),
            "2001:db8:cafe::17"
        );
        assert_eq!(
            proxies.client(ip("::1"), &["for=192.0.2.60:8080;by=203.0.113.43"]),
            "192.0.2.60"
        );
    }

    #[test]
    fn a_list_that_is_not_addresses_is_refused() {
        assert!(TrustedProxies::parse("10.0.0.0/33", ForwardedHeader::XForwardedFor).is_err());
        assert!(TrustedProxies::parse("proxy.local", ForwardedHeader::XForwardedFor).is_err());
        assert!("via".parse::<ForwardedHeader>().is_err());
    }
}
