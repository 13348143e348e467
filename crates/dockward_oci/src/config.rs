//! Image configuration and platforms.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

use crate::error::OciError;

/// An image platform (`linux/arm64/v8`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// `linux`, `windows`.
    pub os: String,
    /// `amd64`, `arm64`, ... (Go names).
    pub architecture: String,
    /// `v7`, `v8`, when relevant.
    pub variant: Option<String>,
}

impl Platform {
    /// The platform of this host, in Go names; the OS is always `linux`
    /// (images run in a Linux VM on other hosts).
    pub fn host() -> Platform {
        let (architecture, variant) = match std::env::consts::ARCH {
            "x86_64" => ("amd64", None),
            "aarch64" => ("arm64", None),
            "arm" => ("arm", Some("v7")),
            "x86" => ("386", None),
            "powerpc64" => ("ppc64le", None),
            "loongarch64" => ("loong64", None),
            other => (other, None),
        };
        Platform {
            os: "linux".into(),
            architecture: architecture.into(),
            variant: variant.map(Into::into),
        }
    }

    /// Parses `os/arch[/variant]`.
    pub fn parse(text: &str) -> Result<Platform, OciError> {
        let parts: Vec<&str> = text.split('/').collect();
        match parts.as_slice() {
            [os, arch] if !os.is_empty() && !arch.is_empty() => Ok(Platform {
                os: (*os).into(),
                architecture: (*arch).into(),
                variant: None,
            }),
            [os, arch, variant] if !os.is_empty() && !arch.is_empty() && !variant.is_empty() => {
                Ok(Platform {
                    os: (*os).into(),
                    architecture: (*arch).into(),
                    variant: Some((*variant).into()),
                })
            }
            _ => Err(OciError::BadPlatform(text.to_owned())),
        }
    }

    /// Whether an image of platform `other` satisfies this request. A request
    /// without a variant accepts any variant; `arm64` treats no variant as `v8`.
    pub fn matches(&self, other: &Platform) -> bool {
        if self.os != other.os || self.architecture != other.architecture {
            return false;
        }
        let norm = |p: &Platform| match (p.architecture.as_str(), p.variant.as_deref()) {
            ("arm64", None) => Some("v8".to_owned()),
            (_, v) => v.map(str::to_owned),
        };
        self.variant.is_none() || norm(self) == norm(other)
    }

    pub(crate) fn from_json(v: &Value) -> Option<Platform> {
        Some(Platform {
            os: v.get("os")?.as_str()?.to_owned(),
            architecture: v.get("architecture")?.as_str()?.to_owned(),
            variant: v.get("variant").and_then(Value::as_str).map(str::to_owned),
        })
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// One `history` entry of the image config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The instruction that made the step (`/bin/sh -c #(nop) USER app`).
    pub created_by: Option<String>,
    /// Whether the step made no layer.
    pub empty_layer: bool,
}

/// The parts of the image config JSON a scan needs, plus the raw document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImageConfig {
    /// The whole config document.
    pub raw: Value,
    /// `config.User`, when set and non-empty.
    pub user: Option<String>,
    /// `config.Env`.
    pub env: Vec<String>,
    /// `config.Labels`.
    pub labels: BTreeMap<String, String>,
    /// Keys of `config.ExposedPorts` (`80/tcp`).
    pub exposed_ports: Vec<String>,
    /// `config.Healthcheck.Test`, when present.
    pub healthcheck: Option<Vec<String>>,
    /// `history`.
    pub history: Vec<HistoryEntry>,
    /// `os`.
    pub os: String,
    /// `architecture`.
    pub architecture: String,
    /// Repository tags (docker-save `RepoTags`, OCI `ref.name` annotations).
    pub repo_tags: Vec<String>,
    /// The config digest (`sha256:...`), the image ID.
    pub id: Option<String>,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

impl ImageConfig {
    /// Reads the fields from a config document; wrong types are ignored.
    pub fn from_json(raw: Value) -> ImageConfig {
        let cfg = raw.get("config").or_else(|| raw.get("container_config"));
        let field = |name: &str| cfg.and_then(|c| c.get(name));
        let user = field("User")
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
            .map(str::to_owned);
        let labels = field("Labels")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        let exposed_ports = field("ExposedPorts")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let healthcheck = field("Healthcheck")
            .and_then(|h| h.get("Test"))
            .map(|t| strings(Some(t)));
        let history = raw
            .get("history")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|h| HistoryEntry {
                        created_by: h
                            .get("created_by")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        empty_layer: h
                            .get("empty_layer")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let text = |name: &str| {
            raw.get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        ImageConfig {
            user,
            env: strings(field("Env")),
            labels,
            exposed_ports,
            healthcheck,
            history,
            os: text("os"),
            architecture: text("architecture"),
            repo_tags: Vec::new(),
            id: None,
            raw,
        }
    }

    /// `rootfs.diff_ids`.
    pub fn diff_ids(&self) -> Vec<String> {
        strings(self.raw.get("rootfs").and_then(|r| r.get("diff_ids")))
    }

    /// The `created_by` of each non-empty history step, in layer order.
    pub fn layer_history(&self) -> Vec<Option<String>> {
        self.history
            .iter()
            .filter(|h| !h.empty_layer)
            .map(|h| h.created_by.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms() {
        let p = Platform::parse("linux/arm64/v8").unwrap();
        assert_eq!(p.to_string(), "linux/arm64/v8");
        let bare = Platform::parse("linux/arm64").unwrap();
        assert!(p.matches(&bare));
        assert!(bare.matches(&p));
        assert!(
            !Platform::parse("linux/arm/v6")
                .unwrap()
                .matches(&Platform::parse("linux/arm/v7").unwrap())
        );
        assert!(Platform::parse("linux").is_err());
        assert!(Platform::parse("linux//v7").is_err());
    }

    #[test]
    fn config_fields() {
        let c = ImageConfig::from_json(serde_json::json!({
            "os": "linux", "architecture": "amd64",
            "config": {"User": "app", "Env": ["A=1", 3], "Labels": {"a": "b"}, "ExposedPorts": {"80/tcp": {}},
                       "Healthcheck": {"Test": ["CMD", "true"]}},
            "rootfs": {"diff_ids": ["sha256:aa"]},
            "history": [{"created_by": "ADD x", "empty_layer": false}, {"created_by": "USER app", "empty_layer": true}]
        }));
        assert_eq!(c.user.as_deref(), Some("app"));
        assert_eq!(c.env, ["A=1"]);
        assert_eq!(c.exposed_ports, ["80/tcp"]);
        assert_eq!(c.healthcheck, Some(vec!["CMD".into(), "true".into()]));
        assert_eq!(c.diff_ids(), ["sha256:aa"]);
        assert_eq!(c.layer_history(), [Some("ADD x".to_owned())]);
    }
}
