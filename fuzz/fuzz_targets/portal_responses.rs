//! Every answer type of the portal contract, decoded from arbitrary bytes: decoding may
//! fail, never panic, and what decodes must survive a round trip.
#![no_main]

use cowdesk_model::{
    Account, AccountUser, ApiErrorBody, Domain, Invoice, Mailbox, Mandate, Page, Profile,
    Service, Ticket, TokenResponse,
};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;

fn decode<T: DeserializeOwned + Serialize>(data: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(data) {
        let again = serde_json::to_vec(&value).expect("a decoded value encodes");
        serde_json::from_slice::<T>(&again).expect("and decodes again");
    }
}

fuzz_target!(|data: &[u8]| {
    decode::<Vec<Account>>(data);
    decode::<Profile>(data);
    decode::<Page<Invoice>>(data);
    decode::<Page<Mandate>>(data);
    decode::<Page<Service>>(data);
    decode::<Page<Domain>>(data);
    decode::<Page<Mailbox>>(data);
    decode::<Page<AccountUser>>(data);
    decode::<Page<Ticket>>(data);
    decode::<TokenResponse>(data);
    decode::<ApiErrorBody>(data);
});
