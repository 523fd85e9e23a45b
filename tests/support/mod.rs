pub mod driver;
pub mod webdriver;
