//! Any bytes as the body of a 200 answer to every operation of the model
//! (the list is `sts_core::for_each_operation!`): a decoded output or a
//! DecodeError / ServiceError, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sts_core::model::*;
use sts_core::operation::Operation;

macro_rules! decode_all {
    ($($op:ident => $method:ident, $auth:ident, $input:ident $(($with:ident))?;)*) => {
        fn decode_all(data: &[u8]) {
            $(let _ = $op::decode(data);)*
        }
    };
}

sts_core::for_each_operation!(decode_all);

fuzz_target!(|data: &[u8]| {
    decode_all(data);
});
