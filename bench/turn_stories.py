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
