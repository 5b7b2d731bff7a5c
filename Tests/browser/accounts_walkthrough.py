#!/usr/bin/env python3
"""A headless-Chromium walk through the account pages, as a customer would click them.

    python3 Tests/browser/accounts_walkthrough.py [SCREENSHOT_DIR]

Needs chromium, chromium-driver and selenium (apt-get install chromium chromium-driver;
pip install selenium); not part of `swift test`. Starts the debug binary on a fresh database, then:
signs up, logs out, logs in, asks for a password reset and follows the emailed link (read from the
outbox table), signs in with the new password, adds, edits and deletes an address. Screenshots of
each page go to SCREENSHOT_DIR (default /tmp/booktime-shots).
"""
import os, re, sqlite3, subprocess, sys, tempfile
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
shots = sys.argv[1] if len(sys.argv) > 1 else "/tmp/booktime-shots"
os.makedirs(shots, exist_ok=True)
subprocess.run(["swift", "build", "--product", "booktime"], cwd=root, check=True, stdout=subprocess.DEVNULL)
binary = subprocess.run(["swift", "build", "--show-bin-path"], cwd=root, check=True, capture_output=True, text=True).stdout.strip() + "/booktime"

scratch = tempfile.mkdtemp()
db = os.path.join(scratch, "walk.db")
server = subprocess.Popen([binary, "serve", "--port", "0", "--db", db], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
url = None
for line in server.stdout:
    match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if match and "running" in line:
        url = match.group(1)
        break

options = webdriver.ChromeOptions()
for argument in ["--headless=new", "--no-sandbox", "--window-size=1280,1000"]:
    options.add_argument(argument)
browser = webdriver.Chrome(options=options)
step = 0

def shot(name):
    global step
    step += 1
    browser.save_screenshot(f"{shots}/{step:02d}-{name}.png")

def fill(fields, submit_text):
    for name, value in fields.items():
        element = browser.find_element(By.NAME, name)
        if element.tag_name == "select":
            element.find_element(By.CSS_SELECTOR, f'option[value="{value}"]').click()
        else:
            element.clear()
            element.send_keys(value)
    click(By.XPATH, f'//button[normalize-space()="{submit_text}"]')

def click(by, value):
    """Clicks and waits for the next page, so that checks never read the old one."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(by, value).click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))

def expect(text):
    if text not in browser.page_source:
        alerts = re.findall(r"<p class=\"(?:alert[^\"]*|field-error)\"[^>]*>([^<]*)", browser.page_source)
        raise AssertionError(f"{text!r} not on {browser.current_url}; messages: {alerts}")

try:
    email, password, new_password = "reader@booktime.domain", "tea and biscuits 42", "coffee and cake 2026"
    browser.get(url + "/")
    click(By.LINK_TEXT, "Sign up")
    fill({"email": email, "password1": "short", "password2": "short"}, "Sign up")
    expect("This password is too short.")
    shot("signup-error")
    fill({"password1": password, "password2": password}, "Sign up")
    expect("You signed up successfully.")
    expect(email)
    shot("signed-up")

    click(By.XPATH, '//button[normalize-space()="Log out"]')
    expect("You have signed out.")
    click(By.LINK_TEXT, "Sign in")
    fill({"email": email, "password": "wrong password!"}, "Sign in")
    expect("Invalid email/password combination.")
    shot("login-error")
    fill({"password": password}, "Sign in")
    expect("My account")

    click(By.XPATH, '//button[normalize-space()="Log out"]')
    browser.get(url + "/login/")
    click(By.LINK_TEXT, "Forgot your password?")
    fill({"email": email}, "Email me a link")
    expect("Check your email")
    shot("reset-requested")
    body = sqlite3.connect(db).execute("SELECT body FROM emailOutbox WHERE subject = 'Reset your BookTime password'").fetchone()[0]
    link = re.search(r"(/password-reset/[A-Za-z0-9_-]+/)", body).group(1)
    browser.get(url + link)
    fill({"new_password1": new_password, "new_password2": new_password}, "Set my password")
    expect("Your password has been set.")
    browser.get(url + link)
    expect("This link does not work")
    shot("reset-link-used")
    browser.get(url + "/login/")
    fill({"email": email, "password": new_password}, "Sign in")
    expect("My account")

    click(By.LINK_TEXT, "My account")
    shot("my-account")
    click(By.LINK_TEXT, "Your addresses")
    click(By.LINK_TEXT, "Add new address")
    fill({"name": "Anne Elliot", "address1": "12 Camden Place", "zip_code": "BA1 2RL", "city": "Bath", "country": "uk"}, "Add address")
    expect("The address was added.")
    expect("United Kingdom")
    shot("addresses")
    click(By.LINK_TEXT, "Update address")
    fill({"city": "Kellynch", "country": "us"}, "Save address")
    expect("Kellynch")
    expect("United States of America")
    click(By.LINK_TEXT, "Delete address")
    expect("Are you sure you want to delete it?")
    shot("delete-confirm")
    click(By.XPATH, '//button[normalize-space()="Delete"]')
    expect("You have no addresses yet.")
    browser.set_window_size(390, 844)
    browser.get(url + "/address/create/")
    shot("address-form-phone")
    print(f"walkthrough passed; {step} screenshots in {shots}")
finally:
    browser.quit()
    server.terminate()
    server.wait()
