//! TEMPORARY stand-in until the store-faults branch (persisted defaults) is merged.
use super::{KeySet, KeyStore};
use crate::error::Result;

pub(crate) type DefaultsStamp = (u64, u64, i64, i64);

impl KeyStore {
    pub(crate) fn provider_defaults(&self, _keyset: KeySet) -> Result<Vec<(u32, String)>> {
        Ok(Vec::new())
    }
    pub(crate) fn defaults_stamp(&self, _keyset: KeySet) -> Result<Option<DefaultsStamp>> {
        Ok(None)
    }
    pub(crate) fn set_provider_default(
        &self,
        _keyset: KeySet,
        _prov_type: u32,
        _name: Option<&str>,
    ) -> Result<()> {
        Ok(())
    }
}

/// TEMPORARY.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ContainerAccess {
    pub(crate) uid: u32,
    pub(crate) gid: u32,
    pub(crate) mode: u32,
}

impl KeyStore {
    pub(crate) fn container_access(&self, _keyset: KeySet, _name: &str) -> Result<ContainerAccess> {
        Ok(ContainerAccess {
            uid: 0,
            gid: 0,
            mode: 0o600,
        })
    }
    pub(crate) fn set_container_access(
        &self,
        _keyset: KeySet,
        _name: &str,
        _access: &ContainerAccess,
    ) -> Result<()> {
        Ok(())
    }
}
