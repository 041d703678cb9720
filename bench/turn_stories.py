"""Story answers with thinking pauses for the end-of-turn benchmark (bench/latency.py --turns).

Written for this benchmark, not taken from the research set the rule was drawn from
(/work/scratch/eot). Each story: five or six sentences, the result last; `pause_before` = index of
the sentence that follows a thinking pause placed right before the result part (the hard case: the
story sounds complete, the result has not been told). Other gaps get thinking pauses at random.
"""

STORIES = [
    (["I worked nights at a hotel reception.", "A family arrived at two in the morning with no booking.",
      "Every room in the building was taken.", "I phoned three hotels nearby until one had a free suite.",
      "I ordered them a taxi and gave the driver the address.",
      "The next day the father wrote to our manager and thanked me by name."], 5),
    (["My job was answering questions about phone bills.", "One caller was sure we had charged her twice.",
      "I opened her account and went through the last three invoices with her.",
      "One payment had been booked to the wrong month.", "I moved it and sent her a corrected invoice.",
      "She said she was happy and stayed on our premium plan."], 4),
    (["At the bike shop we had a week of rain and a pile of repairs.", "Customers were calling every hour.",
      "I sorted the repairs by how long each one would take.",
      "I texted every customer a realistic pick-up day.",
      "As a result the calls almost stopped and we finished the pile by Saturday."], 4),
    (["I was a team lead in a small call centre.", "New agents kept putting callers on hold for too long.",
      "I listened to twenty recorded calls.", "I wrote a one page guide with the five most common questions.",
      "I paired each new agent with an experienced one for a week.",
      "In the end the average hold time went down from four minutes to one."], 5),
    (["A regular customer at the pharmacy was upset about a missing prescription.",
      "The doctor's office had sent it to another branch.", "I called the other branch while she waited.",
      "I asked a driver to bring it over within the hour.",
      "She got her medicine the same afternoon and she still comes to us."], 3),
    (["Our online store had a bug in the checkout page.", "Orders from one country were failing.",
      "I collected the error messages from the support tickets.", "I sent them to the developers with the steps to repeat it.",
      "They fixed it that evening and failed orders dropped to zero."], 4),
    (["I was in charge of the returns desk before the holidays.", "The queue was out of the door.",
      "I opened a second counter just for simple refunds.", "I asked two colleagues from the stock room to help.",
      "Waiting times fell by half and nobody complained to the manager that week."], 4),
    (["In my last job I handled complaints for a delivery company.", "A customer's parcel had been lost for ten days.",
      "I traced it to a depot in another city.", "I arranged for it to be sent by express at our cost.",
      "He received it two days later and gave us a five star review."], 3),
]

HELD_OUT = [
    (["I drove a delivery van for a bakery.", "One morning the van broke down with forty wedding cakes inside.",
      "I called my supervisor and asked a colleague to bring the small van.",
      "We moved the cakes one by one and I rang each customer to say we would be late.",
      "Every cake arrived before noon and the bride's mother sent us flowers."], 4),
    (["At the library I looked after the children's corner.", "Fewer families were coming on Saturdays.",
      "I started a story hour and asked a local author to read.", "I put posters in two schools nearby.",
      "Within a month the corner was full again and the head librarian asked me to run it every week."], 4),
    (["I was a receptionist at a dentist's office.", "A patient came in with a bad toothache and no appointment.",
      "I checked the diary and found a gap if the next patient agreed to wait ten minutes.",
      "I asked her, and she said yes.", "He was seen within the hour and he sent a card to the whole team."], 4),
    (["My manager at the gym asked me to fix our sign-up process.", "People waited twenty minutes to join.",
      "I moved the forms onto a tablet.", "I trained the evening staff to use it.",
      "A new member now joins in five minutes, and the manager used my checklist in the other branches."], 4),
    (["I was on the help desk of a university.", "On the first day of term the wifi failed in the main hall.",
      "I wrote a short note with a temporary network name and printed fifty copies.",
      "I stood at the door and handed them out while the technicians worked.",
      "Students kept working through the morning, and the head of IT mentioned it in the staff newsletter."], 4),
    (["At the garden centre a customer wanted to return a dead plant.", "It was well past the return date.",
      "I asked her how she had cared for it and found it had been watered too much.",
      "I gave her a new one and a card with simple care tips.",
      "She came back in spring to buy six more and told her friends about us."], 4),
    (["I worked as a waiter in a busy restaurant.", "A large group arrived and the kitchen was already behind.",
      "I offered them drinks and bread on the house while they waited.", "I told the chef which dishes to start first.",
      "The group left a big tip and booked again for the next month."], 4),
    (["I was the only person at the front desk of a gym one evening.", "A member fainted on the treadmill.",
      "I called an ambulance and asked another member to bring the first aid kit.",
      "I stayed with him until the paramedics arrived.",
      "He was fine by the next day and he came in to shake my hand."], 4),
]
"""Held out: written after the rule, in other words, and never used to choose it (bench/latency.py
--stories heldout; tests/test_turn_end.py reads them as text)."""
