#!/usr/bin/env python3
"""The book's Selenium test, grown up: browse → product (image switcher) → add to basket →
basket (+/- widget) → sign up → add an address → place the order → see it in /orders/.
Run by e2e/run.sh; alone: python3 e2e/shop_funnel.py [SCREENSHOT_DIR]."""
import os, subprocess, sys
from selenium.webdriver.common.by import By
from browser import Browser, Shop, png


def prepare(shop):
    """The demo catalogue plus one book with two pictures (for the image switcher)."""
    subprocess.run([shop.binary, "demo", shop.db], check=True, capture_output=True)
    png(os.path.join(shop.directory, "front.png"), (122, 46, 31))
    png(os.path.join(shop.directory, "back.png"), (31, 95, 70))
    csv = os.path.join(shop.directory, "pictures.csv")
    with open(csv, "w") as f:
        f.write("name,author,description,tags,image_filename,price\n"
                "A Book With Pictures,Ann Author,Two pictures of it.,Fiction,front.png,12.50\n"
                "A Book With Pictures,Ann Author,Two pictures of it.,Fiction,back.png,12.50\n")
    shop.run("import-products", csv, "--images", shop.directory)


shop = Shop(prepare)
browser = Browser(shop, sys.argv[1] if len(sys.argv) > 1 else "/tmp/booktime-shots", "funnel")
driver = browser.driver
try:
    browser.get("/")
    browser.shot("home", phone=True)
    browser.no_horizontal_scroll()
    browser.click(By.PARTIAL_LINK_TEXT, "Fiction")
    browser.shot("fiction", phone=True)
    browser.get("/product/a-book-with-pictures/")
    main = driver.find_element(By.CSS_SELECTOR, ".current-image img")
    first = main.get_attribute("src")
    thumbs = driver.find_elements(By.CSS_SELECTOR, ".thumb-button")
    assert len(thumbs) == 2, f"expected 2 thumbnails, saw {len(thumbs)}"
    thumbs[1].click()
    assert main.get_attribute("src") != first, "the image switcher did not change the picture"
    assert "selected" in thumbs[1].get_attribute("class")
    browser.shot("image-switcher", phone=True)
    browser.click(By.XPATH, '//button[normalize-space()="Add to basket"]')
    browser.expect("A Book With Pictures is in your basket: 1 in all.")
    browser.expect("data-basket-count=\"\">1 item<")

    browser.get("/product/pride-and-prejudice/")
    browser.click(By.XPATH, '//button[normalize-space()="Add to basket"]')
    browser.click(By.CSS_SELECTOR, "a.basket-indicator")
    browser.expect("You can adjust the quantities below.")
    plus = driver.find_elements(By.CSS_SELECTOR, 'button[aria-label="One more"]')
    assert len(plus) == 2, "the +/- widget did not appear"
    plus[0].click()
    plus[0].click()
    quantity = driver.find_elements(By.CSS_SELECTOR, "input.quantity-input")[0]
    assert quantity.get_attribute("value") == "3", f"+ made {quantity.get_attribute('value')}"
    driver.find_elements(By.CSS_SELECTOR, 'button[aria-label="One less"]')[0].click()
    assert quantity.get_attribute("value") == "2"
    browser.shot("basket-widget", phone=True)
    # The basket saves the change by itself (the Update button is for pages without JavaScript).
    browser.wait_for(lambda d: "Your basket was updated." in d.page_source)
    browser.wait_for(lambda d: d.find_element(By.CSS_SELECTOR, "[data-basket-count]").text == "3 items")
    browser.no_horizontal_scroll()

    browser.click(By.CSS_SELECTOR, '.basket-next a[href^="/signup/"]')
    browser.fill({"email": "buyer@booktime.domain", "password1": "reading is my 1 joy", "password2": "reading is my 1 joy"}, "Sign up")
    browser.expect("You signed up successfully.")
    browser.expect("Checkout")
    browser.click(By.LINK_TEXT, "Add a new one")
    browser.fill({"name": "Elizabeth Bennet", "address1": "Longbourn House", "zip_code": "HT1 1LB", "city": "Meryton", "country": "uk"},
                 "Add address")
    browser.expect("Select the billing and shipping addresses.")
    # The review before "Place order": every line, its quantity and total, the order total, and
    # the address as a postal address.
    browser.expect("Your order: 3 items")
    browser.expect('<td data-label="Quantity" class="numeric">2</td>')
    browser.expect("Order total")
    browser.expect("Elizabeth Bennet, Longbourn House, Meryton HT1 1LB, United Kingdom")
    browser.shot("checkout", phone=True)
    browser.no_horizontal_scroll()
    browser.fill({}, "Place order")
    browser.expect("Thanks for your order.")
    browser.expect("data-basket-count=\"\">0 items<")
    browser.shot("done", phone=True)
    browser.click(By.LINK_TEXT, "All your orders")
    browser.expect("2 x A Book With Pictures")
    browser.expect("1 x Pride and Prejudice")
    browser.shot("orders", phone=True)
    browser.no_horizontal_scroll()
    browser.click(By.CSS_SELECTOR, ".data-table tbody a")
    browser.expect("Longbourn House")
    browser.expect("Meryton HT1 1LB")
    browser.expect('<td data-label="Quantity" class="numeric">2</td>')
    browser.expect("Order placed")
    browser.shot("order", phone=True)
    browser.no_horizontal_scroll()
    # The contact form answers to the signed-in customer's own address.
    browser.get("/contact-us/")
    email = driver.find_element(By.ID, "id_email")
    assert email.get_attribute("value") == "buyer@booktime.domain" and email.get_attribute("readonly") is not None
    browser.fill({"name": "Elizabeth Bennet", "message": "Could you gift-wrap the second copy?"}, "Send message")
    browser.expect("Thank you for your message.")
    browser.get("/contact-us/")
    browser.shot("contact", phone=True)
    print(f"funnel: passed, screenshots in {browser.shots}")
finally:
    browser.quit()
    shop.stop()
