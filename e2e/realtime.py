#!/usr/bin/env python3
"""The real-time parts in browsers: a customer and an employee chat about an order while the
owner's dashboard shows both present and the unread count; the customer's order page changes by
itself when staff mark it paid and the dispatch API sends a line; the mobile web app (/app/) signs
in, lists the orders and chats at 390 px. Run by e2e/run.sh; alone: python3 e2e/realtime.py [DIR]."""
import base64, json, subprocess, sys, urllib.request
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait
from browser import LIVE_PAGE_RACES, Browser, Shop

PASSWORD = "real time phrase 9"


def prepare(shop):
    subprocess.run([shop.binary, "demo", shop.db], check=True, capture_output=True)
    for role in ["owner", "employee", "dispatcher", "customer"]:
        shop.run("createuser", "--email", f"{role}@booktime.domain", "--role", role, "--password-stdin", stdin=PASSWORD + "\n")


def log_in(browser, email, path="/login/", button="Sign in"):
    browser.get(path)
    browser.fill({"email": email, "password": PASSWORD}, button)


def wait_for(browser, description, condition, seconds=15):
    try:
        # The live pages replace elements as events arrive: one read between a find and its text
        # is stale, not a failure; look again.
        return WebDriverWait(browser.driver, seconds, poll_frequency=0.2, ignored_exceptions=LIVE_PAGE_RACES).until(
            lambda driver: condition(driver))
    except Exception:
        browser.shot("timeout-" + description.replace(" ", "-"))
        raise AssertionError(f"timed out waiting for {description} on {browser.driver.current_url}")


def log_text(driver):
    return [item.text for item in driver.find_elements(By.CSS_SELECTOR, "[data-chat-log] li")]


def send(driver, text):
    field = driver.find_element(By.ID, "chat-message-input")
    field.send_keys(text)
    driver.find_element(By.ID, "chat-message-submit").click()


shots = sys.argv[1] if len(sys.argv) > 1 else "/tmp/booktime-shots"
shop = Shop(prepare)
customer = Browser(shop, shots, "realtime-customer")
employee = Browser(shop, shots, "realtime-employee")
owner = Browser(shop, shots, "realtime-dashboard")
app = None
try:
    # The customer places an order of two titles.
    log_in(customer, "customer@booktime.domain")
    customer.order_books(["pride-and-prejudice", "emma"])

    # The owner watches the dashboard; it is empty.
    log_in(owner, "owner@booktime.domain")
    owner.get("/customer-service/")
    wait_for(owner, "the dashboard to connect", lambda d: d.find_element(By.CSS_SELECTOR, "[data-dashboard-state]").text == "Live.")
    assert owner.driver.find_element(By.CSS_SELECTOR, "[data-dashboard-empty]").is_displayed()

    # The customer opens the chat from their order page and writes.
    customer.get("/orders/1/")
    customer.click(By.LINK_TEXT, "Chat with us about this order")
    wait_for(customer, "the customer's socket", lambda d: d.find_element(By.CSS_SELECTOR, "[data-chat-state]").text == "Connected.")
    send(customer.driver, "Hello, is my order on its way? <b>soon</b>?")
    wait_for(customer, "the customer's own message", lambda d: any("is my order on its way" in line for line in log_text(d)))
    # Markup is text, never HTML.
    assert not customer.driver.find_elements(By.CSS_SELECTOR, "[data-chat-log] b"), "a message was rendered as HTML"
    wait_for(owner, "the customer present with 1 unread",
             lambda d: "customer@booktime.domain" in d.find_element(By.CSS_SELECTOR, "[data-room='1'] .present").text
             and d.find_element(By.CSS_SELECTOR, "[data-room='1'] .unread").text == "1")
    owner.shot("customer-waiting", phone=True)

    # The employee follows the dashboard's link, sees the history and answers.
    log_in(employee, "employee@booktime.domain")
    employee.get("/customer-service/")
    wait_for(employee, "the room on the employee's dashboard", lambda d: d.find_elements(By.CSS_SELECTOR, "[data-room='1'] a"))
    employee.click(By.CSS_SELECTOR, "[data-room='1'] td:first-child a")
    wait_for(employee, "the history", lambda d: any("is my order on its way" in line for line in log_text(d)))
    send(employee.driver, "Hello Anne, it leaves today.")
    wait_for(customer, "the employee's answer", lambda d: any("it leaves today" in line for line in log_text(d)))
    # An employee without a name is "BookTime customer service" to customers, never their address.
    assert any(line.endswith("BookTime customer service joined") for line in log_text(customer.driver)), log_text(customer.driver)
    assert not any("employee@booktime.domain" in line for line in log_text(customer.driver)), log_text(customer.driver)
    wait_for(owner, "both present and nothing unread",
             lambda d: "<employee@booktime.domain> (staff)" in d.find_element(By.CSS_SELECTOR, "[data-room='1'] .present").text
             and "customer@booktime.domain" in d.find_element(By.CSS_SELECTOR, "[data-room='1'] .present").text
             and d.find_element(By.CSS_SELECTOR, "[data-room='1'] .unread").text == "0")
    owner.shot("both-present", phone=True)
    customer.shot("chat", phone=True)
    employee.shot("chat")

    # The customer's order page follows the order: staff mark it paid, the dispatch API sends a line.
    customer.get("/orders/1/")
    wait_for(customer, "the live note", lambda d: d.find_element(By.CSS_SELECTOR, "[data-live-note]").is_displayed())
    employee.get("/office-admin/order/1/")
    Select(employee.driver.find_element(By.NAME, "status")).select_by_visible_text("Paid")
    employee.click(By.XPATH, '//button[normalize-space()="Save and continue editing"]')
    employee.expect("Chat with the customer")
    wait_for(customer, "the order to read Paid", lambda d: d.find_element(By.CSS_SELECTOR, "[data-order-status]").text == "Paid")
    line_id = int(customer.driver.find_element(By.CSS_SELECTOR, "[data-line-status]").get_attribute("data-line-status"))
    basic = base64.b64encode(f"dispatcher@booktime.domain:{PASSWORD}".encode()).decode()
    request = urllib.request.Request(f"{shop.url}/api/orderlines/{line_id}/", method="PATCH", data=json.dumps({"status": 30}).encode(),
                                     headers={"Authorization": "Basic " + basic, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    wait_for(customer, "the line to read Sent", lambda d: d.find_element(By.CSS_SELECTOR, f"[data-line-status='{line_id}']").text == "Sent")
    customer.shot("live-order", phone=True)

    # The mobile web app on a 390 px phone: sign in, the orders, the chat with ?token=.
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage"]:
        options.add_argument(argument)
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3.0}})
    app = webdriver.Chrome(options=options)
    app.get(shop.url + "/app/")
    app.find_element(By.ID, "app-username").send_keys("customer@booktime.domain")
    app.find_element(By.ID, "app-password").send_keys(PASSWORD)
    app.find_element(By.CSS_SELECTOR, "[data-login-form] button").click()
    WebDriverWait(app, 15).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-order]"))
    assert "Your BookTime orders" in app.page_source
    row = app.find_element(By.CSS_SELECTOR, "[data-order='1']")
    assert "£" in row.text and "Pride and Prejudice" in row.text, row.text
    app.save_screenshot(f"{shots}/realtime-app-01-orders-phone.png")
    row.click()
    WebDriverWait(app, 15).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-chat-state]").text == "Connected.")
    WebDriverWait(app, 15).until(lambda d: any("it leaves today" in item.text for item in d.find_elements(By.CSS_SELECTOR, "[data-chat-log] li")))
    WebDriverWait(app, 15).until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-shipment]").text not in ("", "…"))
    app.find_element(By.ID, "app-message").send_keys("Thank you, from my phone")
    app.find_element(By.CSS_SELECTOR, "[data-chat-form] button").click()
    employee.get("/customer-service/1/")
    wait_for(employee, "the phone's message in the history", lambda d: any("from my phone" in line for line in log_text(d)))
    wide = app.execute_script("return document.documentElement.scrollWidth > document.documentElement.clientWidth")
    assert not wide, "the app scrolls sideways at 390 px"
    WebDriverWait(app, 15).until(lambda d: d.execute_script("return navigator.serviceWorker.controller !== null || navigator.serviceWorker.getRegistrations().then(r => r.length)"))
    registered = app.execute_async_script("const done = arguments[0]; navigator.serviceWorker.getRegistrations().then(r => done(r.length))")
    assert registered == 1, "the service worker did not register"
    app.save_screenshot(f"{shots}/realtime-app-02-chat-phone.png")
    print(f"real time: passed, screenshots in {shots}")
finally:
    for browser in [customer, employee, owner]:
        browser.quit()
    if app:
        app.quit()
    shop.stop()
