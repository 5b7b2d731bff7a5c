#!/usr/bin/env python3
"""A customer finds and buys books the way shops work now: the header's search, sorting and
"in stock only", "Add to basket" from the list without leaving it, quantities that save
themselves, delivery on the review, the order placed. Then what search engines read: the sitemap
(parsed with lxml), robots.txt, and the product page's JSON-LD (schema.org Product/Offer
required fields), which the strict CSP must leave alone. Screenshots at 1280 and 390 px.
Run by e2e/run.sh; alone: python3 e2e/storefront.py [SCREENSHOT_DIR]."""
import json, re, subprocess, sys, urllib.request
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from browser import Browser, Shop

try:
    from lxml import etree
except ImportError:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "lxml"], check=True)
    from lxml import etree

PASSWORD = "storefront phrase 7"


def prepare(shop):
    subprocess.run([shop.binary, "demo", shop.db], check=True, capture_output=True)
    shop.run("createuser", "--email", "reader@booktime.domain", "--role", "customer", "--password-stdin", stdin=PASSWORD + "\n")


shop = Shop(prepare, arguments=["--delivery-charge", "3.50", "--free-delivery-from", "40.00"])
browser = Browser(shop, sys.argv[1] if len(sys.argv) > 1 else "/tmp/booktime-shots", "storefront")
driver = browser.driver
try:
    # The home page shows books; the header's search box finds one from any page.
    browser.get("/about-us/")
    browser.fill({"q": "dickens"}, "Search")
    browser.expect("Results for “dickens”")
    assert driver.find_element(By.CSS_SELECTOR, ".result-count").text.endswith("results")
    browser.shot("header-search", phone=True)
    browser.no_horizontal_scroll()

    # A misspelling gets a suggestion that finds books.
    browser.get("/search/?q=wuthring+heigts")
    browser.click(By.PARTIAL_LINK_TEXT, "wuthering heights")
    browser.expect("Wuthering Heights")

    # Sorting by price, high to low, and only what is in stock: the list changes at once.
    browser.get("/products/all/")
    browser.click(By.CSS_SELECTOR, 'option[value="-price"]')
    assert "sort=-price" in driver.current_url, driver.current_url
    prices = [float(p.text.lstrip("£")) for p in driver.find_elements(By.CSS_SELECTOR, ".product-card .product-price")]
    assert prices == sorted(prices, reverse=True), prices
    browser.click(By.CSS_SELECTOR, 'input[name="in_stock"]')
    assert "in_stock=1" in driver.current_url, driver.current_url
    browser.shot("sorted", phone=True)
    browser.no_horizontal_scroll()

    # "Add to basket" on a card: the page stays, the header's count and a status line change.
    first = driver.find_elements(By.CSS_SELECTOR, ".product-card")[0]
    title = first.find_element(By.CSS_SELECTOR, ".product-name").text
    url_before = driver.current_url
    first.find_element(By.CSS_SELECTOR, "button.card-add").click()
    browser.wait_for(lambda d: d.find_element(By.CSS_SELECTOR, "[data-basket-count]").text == "1 item")
    browser.wait_for(lambda d: title in d.find_element(By.CSS_SELECTOR, "[data-basket-status]").text)
    assert driver.current_url == url_before
    browser.shot("added-from-list")

    # The basket: delivery is charged below £40; raising the quantity saves itself and the
    # delivery turns free, without pressing "Update basket".
    browser.click(By.CSS_SELECTOR, "a.basket-indicator")
    browser.expect("Free delivery on orders of £40.00 or more.")
    assert driver.find_element(By.CSS_SELECTOR, ".basket-delivery").text == "£3.50"
    assert not driver.find_element(By.CSS_SELECTOR, "[data-update-basket]").is_displayed() or \
        "visually-hidden" in driver.find_element(By.CSS_SELECTOR, "[data-update-basket]").get_attribute("class")
    quantity = driver.find_element(By.CSS_SELECTOR, "input.quantity-input")
    quantity.clear()
    quantity.send_keys("4")
    quantity.send_keys("\t")
    browser.wait_for(lambda d: d.find_element(By.CSS_SELECTOR, ".basket-delivery").text == "Free")
    browser.wait_for(lambda d: d.find_element(By.CSS_SELECTOR, "[data-basket-count]").text == "4 items")
    browser.shot("basket-auto-update", phone=True)

    # Sign in, add an address, and review: books, delivery, total, then the order.
    browser.get("/login/?next=/basket/")
    browser.fill({"email": "reader@booktime.domain", "password": PASSWORD}, "Sign in")
    quantity = driver.find_element(By.CSS_SELECTOR, "input.quantity-input")
    quantity.clear()
    quantity.send_keys("1")
    quantity.send_keys("\t")
    browser.wait_for(lambda d: d.find_element(By.CSS_SELECTOR, ".basket-delivery").text == "£3.50")
    browser.get("/address/create/")
    browser.fill({"name": "Anne Elliot", "address1": "Kellynch Hall", "zip_code": "SO1 1KH", "city": "Bath", "country": "uk"}, "Add address")
    browser.get("/order/address_select/")
    browser.expect("<th scope=\"row\" colspan=\"3\">Delivery</th><td class=\"numeric\">£3.50</td>")
    browser.shot("review-with-delivery", phone=True)
    browser.fill({}, "Place order")
    browser.expect("Thanks for your order.")
    browser.click(By.PARTIAL_LINK_TEXT, "BT")
    browser.expect("Delivery")
    browser.shot("order-with-delivery", phone=True)

    # What search engines read.
    sitemap = urllib.request.urlopen(shop.url + "/sitemap.xml").read()
    tree = etree.fromstring(sitemap)
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in tree.findall("s:url/s:loc", namespace)]
    assert any(loc.endswith("/product/wuthering-heights/") for loc in locations), locations[:5]
    assert any(loc.endswith("/products/fiction/") for loc in locations)
    robots = urllib.request.urlopen(shop.url + "/robots.txt").read().decode()
    assert "Disallow: /admin/" in robots and "Sitemap: " in robots, robots

    driver.get_log("browser")  # forget what came before
    browser.get("/product/wuthering-heights/")
    blocks = [json.loads(s.get_attribute("textContent")) for s in driver.find_elements(By.CSS_SELECTOR, 'script[type="application/ld+json"]')]
    assert len(blocks) == 1, blocks
    product = blocks[0]
    assert product["@context"] == "https://schema.org" and product["@type"] == "Product", product
    for field in ["name", "image", "description", "offers"]:
        assert product.get(field), f"JSON-LD lacks {field}"
    offer = product["offers"]
    assert offer["@type"] == "Offer" and re.fullmatch(r"\d+\.\d\d", offer["price"]) and offer["priceCurrency"] == "GBP", offer
    assert offer["availability"] in ("https://schema.org/InStock", "https://schema.org/OutOfStock")
    violations = [entry for entry in driver.get_log("browser") if "Content Security Policy" in entry.get("message", "")]
    assert not violations, violations
    assert driver.find_element(By.CSS_SELECTOR, 'link[rel="canonical"]').get_attribute("href").endswith("/product/wuthering-heights/")
    assert driver.find_element(By.CSS_SELECTOR, 'meta[property="og:type"]').get_attribute("content") == "product"
    # On a phone the price and "Add to basket" show without scrolling.
    driver.set_window_size(390, 844)
    button = driver.find_element(By.XPATH, '//form[@class="add-to-basket"]//button')
    bottom = driver.execute_script("const r = arguments[0].getBoundingClientRect(); return r.bottom;", button)
    viewport = driver.execute_script("return window.innerHeight")
    assert bottom <= viewport, f"Add to basket ends at {bottom}px of a {viewport}px screen"
    driver.set_window_size(1280, 1000)
    browser.shot("product-page", phone=True)
    print("storefront: search, sort, add from the list, basket auto-update, delivery, order, sitemap, JSON-LD: ok")
finally:
    browser.quit()
    shop.stop()
