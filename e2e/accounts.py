#!/usr/bin/env python3
"""Accounts in a browser: sign up (with an error first), log out, log in (with an error first),
reset the password through the emailed link (read from the outbox table), use the link twice,
manage addresses. Run by e2e/run.sh; alone: python3 e2e/accounts.py [SCREENSHOT_DIR]."""
import re, sqlite3, sys
from selenium.webdriver.common.by import By
from browser import Browser, Shop

shop = Shop()
browser = Browser(shop, sys.argv[1] if len(sys.argv) > 1 else "/tmp/booktime-shots", "accounts")
try:
    email, password, new_password = "reader@booktime.domain", "tea and biscuits 42", "coffee and cake 2026"
    browser.get("/")
    browser.click(By.LINK_TEXT, "Sign up")
    browser.fill({"email": email, "password1": "short", "password2": "short"}, "Sign up")
    browser.expect("This password is too short.")
    browser.shot("signup-error", phone=True)
    browser.fill({"password1": password, "password2": password}, "Sign up")
    browser.expect("You signed up successfully.")
    browser.expect(email)
    browser.shot("signed-up")

    browser.click(By.XPATH, '//button[normalize-space()="Log out"]')
    browser.expect("You have signed out.")
    browser.click(By.LINK_TEXT, "Sign in")
    browser.fill({"email": email, "password": "wrong password!"}, "Sign in")
    browser.expect("Invalid email/password combination.")
    browser.shot("login-error")
    browser.fill({"password": password}, "Sign in")
    browser.expect("My account")

    browser.click(By.XPATH, '//button[normalize-space()="Log out"]')
    browser.get("/login/")
    browser.click(By.LINK_TEXT, "Forgot your password?")
    browser.fill({"email": email}, "Email me a link")
    browser.expect("Check your email")
    body = sqlite3.connect(shop.db).execute("SELECT body FROM emailOutbox WHERE subject = 'Reset your BookTime password'").fetchone()[0]
    link = re.search(r"(/password-reset/[A-Za-z0-9_-]+/)", body).group(1)
    browser.get(link)
    browser.fill({"new_password1": new_password, "new_password2": new_password}, "Set my password")
    browser.expect("Your password has been set.")
    browser.get(link)
    browser.expect("This link does not work")
    browser.shot("reset-link-used")
    browser.get("/login/")
    browser.fill({"email": email, "password": new_password}, "Sign in")
    browser.expect("My account")

    browser.click(By.LINK_TEXT, "My account")
    browser.shot("my-account", phone=True)
    browser.click(By.LINK_TEXT, "Your addresses")
    browser.click(By.LINK_TEXT, "Add new address")
    browser.fill({"name": "Anne Elliot", "address1": "12 Camden Place", "zip_code": "BA1 2RL", "city": "Bath", "country": "uk"}, "Add address")
    browser.expect("The address was added.")
    browser.expect("United Kingdom")
    browser.shot("addresses", phone=True)
    browser.no_horizontal_scroll()
    browser.click(By.LINK_TEXT, "Update address")
    browser.fill({"city": "Kellynch", "country": "us"}, "Save address")
    browser.expect("Kellynch")
    browser.expect("United States of America")
    browser.click(By.LINK_TEXT, "Delete address")
    browser.expect("Are you sure you want to delete it?")
    browser.click(By.XPATH, '//button[normalize-space()="Delete"]')
    browser.expect("You have no addresses yet.")
    print(f"accounts: passed, screenshots in {browser.shots}")
finally:
    browser.quit()
    shop.stop()
