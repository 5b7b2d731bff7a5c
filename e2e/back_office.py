#!/usr/bin/env python3
"""The back office in a browser, each role doing its job from the book: the owner edits a product
and uploads an image; an employee marks the order paid and opens its invoice (HTML and PDF); a
dispatcher sends the lines and sees the order leave the dispatch list, done; forbidden sites
refuse. Run by e2e/run.sh; alone: python3 e2e/back_office.py [SCREENSHOT_DIR]."""
import os, sqlite3, subprocess, sys, urllib.request
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from browser import Browser, Shop, png

PASSWORD = "back office phrase 7"


def prepare(shop):
    subprocess.run([shop.binary, "demo", shop.db], check=True, capture_output=True)
    for role in ["owner", "employee", "dispatcher", "customer"]:
        shop.run("createuser", "--email", f"{role}@booktime.domain", "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
    png(os.path.join(shop.directory, "cover.png"), (40, 90, 160), 200, 300)


shop = Shop(prepare)
browser = Browser(shop, sys.argv[1] if len(sys.argv) > 1 else "/tmp/booktime-shots", "backoffice")
driver = browser.driver
try:
    # A customer's order: two copies of one book, one of another.
    browser.get("/login/")
    browser.fill({"email": "customer@booktime.domain", "password": PASSWORD}, "Sign in")
    browser.order_books(["pride-and-prejudice", "pride-and-prejudice", "emma"])

    # The owner adds a product: it starts Active and In stock; one nobody can buy says so.
    browser.log_in("/admin", "owner@booktime.domain", PASSWORD)
    browser.get("/admin/product/add/")
    assert driver.find_element(By.ID, "id_active").is_selected() and driver.find_element(By.ID, "id_in_stock").is_selected()
    browser.fill_only({"name": "Sanditon", "description": "Unfinished.", "price": "6.00", "stock_count": "0"})
    browser.click(By.XPATH, '//button[normalize-space()="Save and continue editing"]')
    browser.expect("Customers cannot buy it: it has no copies in stock.")
    browser.shot("owner-unbuyable", phone=True)

    browser.get("/admin/")
    browser.expect("BookTime owners administration")
    browser.shot("owner-index", phone=True)
    browser.no_horizontal_scroll()
    browser.click(By.CSS_SELECTOR, '.admin-module a[href="/admin/product/"]')
    browser.fill({"q": "pride"}, "Search")
    browser.expect("1 product<")
    browser.click(By.LINK_TEXT, "Pride and Prejudice")
    browser.fill({"price": "8.25", "stock_count": "12"}, "Save")
    browser.expect("was changed successfully")
    browser.click(By.LINK_TEXT, "Pride and Prejudice")
    # An edit typed but not saved goes with the picture's upload, never lost.
    browser.fill_only({"author": "Jane Austen (1813)"})
    driver.find_element(By.ID, "id_image").send_keys(os.path.join(shop.directory, "cover.png"))
    browser.click(By.XPATH, '//button[normalize-space()="Upload"]')
    browser.expect("The image was added to “Pride and Prejudice”.")
    assert driver.find_element(By.ID, "id_author").get_attribute("value") == "Jane Austen (1813)", "the typed edit was lost"
    assert driver.find_elements(By.CSS_SELECTOR, ".admin-fieldset img.admin-thumb"), "no thumbnail on the product page"
    browser.shot("owner-product", phone=True)
    browser.get("/product/pride-and-prejudice/")
    browser.expect("£8.25")
    browser.get("/admin/log/")
    browser.expect("Price</strong>: 8.99 → 8.25")
    browser.shot("owner-log")

    # An employee marks the order paid and opens its invoice.
    browser.log_in("/office-admin", "employee@booktime.domain", PASSWORD)
    browser.expect("BookTime central office administration")
    browser.click(By.CSS_SELECTOR, '.admin-module a[href="/office-admin/order/"]')
    browser.click(By.LINK_TEXT, "BT1")
    assert not driver.find_elements(By.NAME, "user"), "employees cannot change the customer"
    Select(driver.find_element(By.NAME, "status")).select_by_visible_text("Paid")
    browser.click(By.XPATH, '//button[normalize-space()="Save and continue editing"]')
    browser.expect("was changed successfully")
    browser.expect("employee@booktime.domain")
    browser.shot("office-order", phone=True)
    browser.click(By.LINK_TEXT, "View Invoice")
    browser.expect("Invoice number BT1")
    browser.expect('<p class="invoice-payment">Paid</p>')
    browser.expect('<td class="numeric">2</td>')
    browser.shot("invoice", phone=True)
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(shop.url + "/office-admin/invoice/1/?format=pdf", headers={"Cookie": cookies})) as response:
        pdf = response.read()
        assert response.headers["Content-Type"] == "application/pdf"
    assert pdf.startswith(b"%PDF-1.4") and b"Invoice number BT1" in pdf, "the invoice PDF"
    with open(os.path.join(browser.shots, "backoffice-invoice.pdf"), "wb") as f:
        f.write(pdf)
    browser.get("/office-admin/orders_per_day/")
    assert driver.find_elements(By.CSS_SELECTOR, "svg.chart rect"), "no bars in the orders-per-day chart"
    browser.shot("report")

    # A dispatcher sends every line; the order is done and leaves the dispatch list.
    browser.log_in("/dispatch-admin", "dispatcher@booktime.domain", PASSWORD)
    browser.expect("BookTime central dispatch administration")
    browser.click(By.CSS_SELECTOR, '.admin-module a[href="/dispatch-admin/order/"]')
    browser.expect("1 order<")
    browser.click(By.LINK_TEXT, "BT1")
    browser.expect("Shipping info")
    assert "Billing info" not in driver.page_source, "dispatchers see the shipping address only"
    lines = driver.find_elements(By.CSS_SELECTOR, 'select[name^="orderLine-"]')
    assert len(lines) == 2, f"expected 2 lines (one per title, with quantities), saw {len(lines)}"
    browser.expect("<th scope=\"col\">Quantity</th>")
    browser.shot("dispatch-order", phone=True)
    browser.no_horizontal_scroll()
    # One action sends every line of the order.
    browser.get("/dispatch-admin/order/")
    driver.find_element(By.CSS_SELECTOR, 'input[name="_selected"]').click()
    Select(driver.find_element(By.NAME, "action")).select_by_visible_text("Mark all lines sent")
    browser.click(By.XPATH, '//button[normalize-space()="Go"]')
    browser.shot("dispatch-confirm")
    browser.click(By.XPATH, '//button[normalize-space()="Yes, do it"]')
    browser.expect("0 orders")
    connection = sqlite3.connect(shop.db)
    status = connection.execute("SELECT status FROM shopOrder WHERE id = 1").fetchone()[0]
    assert status == 30, f"the order should be DONE, is {status}"
    subjects = [row[0] for row in connection.execute("SELECT subject FROM emailOutbox ORDER BY id")]
    assert "Payment received for your BookTime order BT1" in subjects and "Your BookTime order BT1 is on its way" in subjects, subjects
    browser.get("/admin/")
    browser.expect("who has no access to the BookTime owners administration")
    browser.shot("forbidden")
    print(f"back office: passed, screenshots in {browser.shots}")
finally:
    browser.quit()
    shop.stop()
