#!/usr/bin/env python3
"""The owner's morning: the back office opens on today's figures; the owner takes yesterday's
order from "Waiting for payment" to paid (adding and removing a book first, as the customer asked), follows "Waiting to ship", sends every line in one
action, and reads the revenue report (and its CSV). Every page fits a 390 px phone; the outbox
explains that mail is not being sent. Screenshots at 1280 and 390 px.
Run by e2e/run.sh; alone: python3 e2e/owner_morning.py [SCREENSHOT_DIR]."""
import subprocess, sys, urllib.request
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from browser import Browser, Shop

PASSWORD = "sunrise ledger 42 quietly"


def prepare(shop):
    subprocess.run([shop.binary, "demo", shop.db], check=True, capture_output=True)
    for role in ["owner", "customer"]:
        shop.run("createuser", "--email", f"{role}@booktime.domain", "--role", role, "--password-stdin", stdin=PASSWORD + "\n")


def figure(driver, label):
    """The big number of a dashboard figure."""
    for element in driver.find_elements(By.CSS_SELECTOR, ".admin-figure"):
        if element.find_element(By.CSS_SELECTOR, ".admin-figure-label").text.lower() == label.lower():
            return element.find_element(By.TAG_NAME, "strong").text
    raise AssertionError(f"no figure {label!r}")


shop = Shop(prepare)
browser = Browser(shop, sys.argv[1] if len(sys.argv) > 1 else "/tmp/booktime-shots", "morning")
driver = browser.driver
try:
    browser.get("/login/")
    browser.fill({"email": "customer@booktime.domain", "password": PASSWORD}, "Sign in")
    browser.order_books(["pride-and-prejudice", "pride-and-prejudice", "emma"])

    browser.log_in("/admin", "owner@booktime.domain", PASSWORD)
    browser.expect("Latest orders")
    assert figure(driver, "Today").startswith("£") and figure(driver, "Today") != "£0.00", figure(driver, "Today")
    assert figure(driver, "Waiting for payment") == "1" and figure(driver, "Waiting to ship") == "0"
    browser.shot("index", phone=True)
    browser.no_horizontal_scroll()

    # Payment came in: the order is marked paid from its page.
    browser.click(By.PARTIAL_LINK_TEXT, "BT1 · customer@booktime.domain")
    # The addresses read as addresses; "Edit" opens their fields.
    browser.expect("<address>Anne Elliot<br>Kellynch Hall<br>Bath SO1 1KH<br>United Kingdom<br></address>")
    assert not driver.find_element(By.NAME, "billing_city").is_displayed()
    edit = driver.find_elements(By.CSS_SELECTOR, "[data-edit-fieldset]")[0]
    edit.click()
    assert driver.find_element(By.NAME, "billing_city").is_displayed() and not edit.is_displayed()
    browser.shot("order", phone=True)
    browser.no_horizontal_scroll()
    # The customer rang before paying: one more book, and one title fewer. Stock and total follow.
    browser.fill({"book": "Persuasion", "quantity": "1"}, "Add")
    browser.expect("Added 1 × “Persuasion” at £7.99 each.")
    browser.click(By.XPATH, '//button[@aria-label and starts-with(@aria-label, "Remove") and contains(@aria-label, "Emma")]')
    browser.expect("Removed 1 × “Emma”.")
    lines = [element.text for element in driver.find_elements(By.CSS_SELECTOR, ".admin-line-list li span")]
    assert len(lines) == 2 and lines[1].startswith("1 × Persuasion"), lines
    browser.shot("order-books", phone=True)
    browser.no_horizontal_scroll()
    Select(driver.find_element(By.NAME, "status")).select_by_visible_text("Paid")
    browser.click(By.XPATH, '//button[normalize-space()="Save"]')
    browser.expect("was changed successfully")

    # "Waiting to ship" leads to the paid orders; one action sends every line.
    browser.get("/admin/")
    assert figure(driver, "Waiting to ship") == "1"
    browser.click(By.XPATH, '//a[contains(@class,"admin-figure")][.//span[text()="Waiting to ship"]]')
    assert "status=20" in driver.current_url, driver.current_url
    browser.expect(">BT1<")
    browser.shot("waiting-to-ship", phone=True)
    browser.no_horizontal_scroll()
    driver.find_element(By.CSS_SELECTOR, 'input[name="_selected"]').click()
    Select(driver.find_element(By.NAME, "action")).select_by_visible_text("Mark all lines sent")
    browser.click(By.XPATH, '//button[normalize-space()="Go"]')
    browser.click(By.XPATH, '//button[normalize-space()="Yes, do it"]')
    browser.get("/admin/")
    assert figure(driver, "Waiting to ship") == "0"

    # The revenue report, and its numbers as CSV.
    browser.get("/admin/orders_per_day/")
    browser.expect("Revenue per day")
    browser.shot("revenue", phone=True)
    browser.no_horizontal_scroll()
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(shop.url + "/admin/orders_per_day/?format=csv", headers={"Cookie": cookies})) as response:
        csv = response.read().decode()
        assert response.headers["Content-Type"].startswith("text/csv")
    assert csv.splitlines()[0] == "Day,Orders,Revenue" and len(csv.splitlines()) == 2, csv
    browser.get("/admin/most_bought_products/?period=30&by=revenue")
    browser.expect("By revenue")
    browser.shot("most-bought-revenue")

    # Mail is not being sent on this shop: the outbox says so and how to fix it.
    browser.get("/admin/email/")
    browser.expect("Mail is queued here and not sent")
    browser.shot("outbox", phone=True)
    browser.no_horizontal_scroll()
    browser.get("/admin/settings/")
    browser.fill({"delivery_charge": "2.95", "free_delivery_from": "25.00", "low_stock_threshold": "5"}, "Save")
    browser.expect("The shop settings were saved.")
    browser.shot("settings", phone=True)
    for path in ["/admin/product/", "/admin/order/1/", "/admin/backups/", "/admin/log/"]:
        browser.get(path)
        browser.no_horizontal_scroll()
    print(f"owner's morning: figures, paid, waiting to ship, all lines sent, revenue and CSV, outbox, settings: ok")
finally:
    browser.quit()
    shop.stop()
